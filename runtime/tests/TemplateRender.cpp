//===- TemplateRender.cpp - Renders a chat template with a JSON context ---===//
//
// SPDX-License-Identifier: Apache-2.0
//
// The test driver of the chat-template interpreter:
//
//   template-render TEMPLATE_FILE CONTEXT_JSON_FILE
//
// prints the rendered text to stdout exactly as rendered (no newline added),
// or one line `template-render: error: FILE: <what>: <why>` to stderr and
// exits 1. test/tools/chat-template/cross-check.sh compares its output with
// the reference renderer's.
//
//===----------------------------------------------------------------------===//

#include "Template/Template.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string>

namespace tmpl = liquid::runtime::tmpl;

namespace {

int error(const char *file, const char *what, const std::string &why) {
  std::fprintf(stderr, "template-render: error: %s: %s: %s\n", file, what,
               why.c_str());
  return 1;
}

bool readFile(const char *path, std::string &out, std::string &why) {
  std::FILE *file = std::fopen(path, "rb");
  if (!file) {
    why = std::strerror(errno);
    return false;
  }
  char buffer[65536];
  size_t n;
  while ((n = std::fread(buffer, 1, sizeof(buffer), file)) > 0)
    out.append(buffer, n);
  bool ok = !std::ferror(file);
  if (!ok)
    why = std::strerror(errno);
  std::fclose(file);
  return ok;
}

} // namespace

int main(int argc, char **argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: template-render TEMPLATE_FILE "
                         "CONTEXT_JSON_FILE\n");
    return 1;
  }
  const char *templatePath = argv[1], *contextPath = argv[2];
  std::string source, json, why;
  if (!readFile(templatePath, source, why))
    return error(templatePath, "cannot read", why);
  if (!readFile(contextPath, json, why))
    return error(contextPath, "cannot read", why);

  tmpl::Template chat;
  if (!tmpl::parse(source, chat, why))
    return error(templatePath, "unsupported template", why);
  tmpl::Value context;
  if (!tmpl::parseJson(json, context, why))
    return error(contextPath, "bad JSON", why);
  std::string out;
  if (!tmpl::render(chat, context, out, why))
    return error(templatePath, "render failed", why);
  if (std::fwrite(out.data(), 1, out.size(), stdout) != out.size() ||
      std::fflush(stdout) != 0)
    return error("<stdout>", "cannot write", std::strerror(errno));
  return 0;
}
