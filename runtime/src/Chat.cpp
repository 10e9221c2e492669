//===- Chat.cpp - lq_chat_render: conversations through the model's template
//===//
//
// SPDX-License-Identifier: Apache-2.0
//
// This file implements lq_chat_render with the artifact's chat template and
// the template interpreter (Template/Template.h). The template was parsed
// when the model was opened; the context is what Hugging Face's
// apply_chat_template passes: messages, tools, add_generation_prompt,
// bos_token and eos_token.
//
//===----------------------------------------------------------------------===//

#include "Model.h"

#include "Status.h"

#include <cstring>

using namespace liquid::runtime;

namespace {

/// The text of special token `id`, "" when there is none.
std::string tokenText(const lq_model &model, int32_t id) {
  if (!model.tokenizer.present() || id < 0 ||
      static_cast<uint32_t>(id) >= model.tokenizer.size())
    return "";
  return std::string(model.tokenizer.piece(id));
}

} // namespace

lq_status liquid::runtime::parseChatTemplate(lq_model &model) {
  const flatbuffers::String *source = model.view.artifact->chat_template();
  if (!source || source->size() == 0)
    return LQ_OK;
  model.hasChatTemplate = true;
  std::string error;
  if (!tmpl::parse(source->string_view(), model.chatTemplate, error))
    model.chatTemplateError = error;
  return LQ_OK;
}

extern "C" lq_status lq_chat_render(const lq_model *model,
                                    const char *messages_json,
                                    const char *tools_json,
                                    int add_generation_prompt, char *out,
                                    size_t capacity, size_t *length) {
  if (!model || !messages_json || !length || (!out && capacity))
    return fail(LQ_ERROR_INVALID_ARGUMENT,
                "lq_chat_render: model, messages_json, length or out is null");
  const char *path = model->path.c_str();
  if (!model->hasChatTemplate)
    return fail(LQ_ERROR_UNSUPPORTED,
                "%s: no chat template: the artifact was compiled from a "
                "checkpoint without one",
                path);
  if (!model->chatTemplateError.empty())
    return fail(LQ_ERROR_UNSUPPORTED, "%s: chat template: %s", path,
                model->chatTemplateError.c_str());
  tmpl::Value messages, tools;
  std::string error;
  if (!tmpl::parseJson(messages_json, messages, error))
    return fail(LQ_ERROR_INVALID_ARGUMENT, "%s: messages: bad JSON: %s", path,
                error.c_str());
  if (messages.kind() != tmpl::Value::Kind::Array)
    return fail(LQ_ERROR_INVALID_ARGUMENT,
                "%s: messages: expected a JSON array of messages", path);
  if (tools_json && !tmpl::parseJson(tools_json, tools, error))
    return fail(LQ_ERROR_INVALID_ARGUMENT, "%s: tools: bad JSON: %s", path,
                error.c_str());

  tmpl::Object context;
  context.set("messages", std::move(messages));
  if (tools_json)
    context.set("tools", std::move(tools));
  context.set("add_generation_prompt",
              tmpl::Value::boolean(add_generation_prompt != 0));
  context.set("bos_token",
              tmpl::Value::string(tokenText(*model, model->info.bos_token_id)));
  context.set("eos_token",
              tmpl::Value::string(tokenText(*model, model->info.eos_token_id)));
  std::string text;
  if (!tmpl::render(model->chatTemplate,
                    tmpl::Value::object(std::move(context)), text, error))
    return fail(LQ_ERROR_INVALID_ARGUMENT, "%s: chat template: %s", path,
                error.c_str());
  *length = text.size();
  if (text.size() + 1 > capacity)
    return fail(LQ_ERROR_INVALID_ARGUMENT,
                "lq_chat_render: %zu bytes do not fit in %zu", text.size() + 1,
                capacity);
  memcpy(out, text.c_str(), text.size() + 1);
  return LQ_OK;
}
