//===- Model.cpp - lq_model_open, lq_model_close, lq_model_get_info -------===//
//
// SPDX-License-Identifier: Apache-2.0
//
// This file implements opening a model: map and verify the artifact
// (Artifact.cpp), pick the first target this machine runs (CpuFeatures.cpp),
// load its code, resolve every kernel and check the schedule against what
// each touches (CodeLoader.cpp, KernelCheck.cpp), and fill
// the lq_model_info the C API hands out.
//
//===----------------------------------------------------------------------===//

#include "Model.h"

#include "CpuFeatures.h"
#include "KernelCheck.h"
#include "Status.h"

#include <new>

using namespace liquid::runtime;
namespace lqm = liquid::lqm;

namespace {

lq_status loadModel(const char *path, lq_model &model,
                    ArtifactChecksum checksum) {
  model.path = path;
  LQ_RETURN_IF_ERROR(model.file.open(path));
  LQ_RETURN_IF_ERROR(verifyArtifact(model.file.data(), model.file.size(), path,
                                    model.view, checksum));
  LQ_RETURN_IF_ERROR(selectTarget(model.view, path, model.target));
  const lqm::Segment &code = *model.target->code();
  LQ_RETURN_IF_ERROR(
      model.code.load(model.view.segmentData(code), code.size(), path));
  LQ_RETURN_IF_ERROR(
      loadKernels(model.view, *model.target, model.code, path, model.kernels));

  const lqm::Artifact &artifact = *model.view.artifact;
  model.tokenizer = Tokenizer(artifact.tokenizer());
  LQ_RETURN_IF_ERROR(parseChatTemplate(model));
  const lqm::Model &meta = *artifact.model();
  lq_model_info &info = model.info;
  info.architecture = meta.architecture() ? meta.architecture()->c_str() : "";
  info.vocab_size = meta.vocab_size();
  info.hidden_size = meta.hidden_size();
  info.num_layers = meta.layers() ? meta.layers()->size() : 0;
  info.num_experts = meta.num_experts();
  info.experts_per_token = meta.experts_per_token();
  info.max_context = artifact.max_context();
  info.prefill_chunk = model.view.prefill->tokens();
  info.bos_token_id = meta.bos_token_id();
  info.eos_token_id = meta.eos_token_id();
  return LQ_OK;
}

} // namespace

extern "C" lq_status lq_model_open(const char *path, lq_model **out) {
  return openModel(path, ArtifactChecksum::Check, out);
}

lq_status liquid::runtime::openModel(const char *path,
                                     ArtifactChecksum checksum,
                                     lq_model **out) {
  if (!out)
    return fail(LQ_ERROR_INVALID_ARGUMENT, "lq_model_open: out is null");
  *out = nullptr;
  if (!path)
    return fail(LQ_ERROR_INVALID_ARGUMENT, "lq_model_open: path is null");
  auto *model = new (std::nothrow) lq_model;
  if (!model)
    return fail(LQ_ERROR_OUT_OF_MEMORY, "%s: out of memory", path);
  lq_status status = loadModel(path, *model, checksum);
  if (status != LQ_OK) {
    delete model;
    return status;
  }
  *out = model;
  return LQ_OK;
}

extern "C" lq_status lq_model_close(lq_model *model) {
  if (!model)
    return LQ_OK;
  if (uint32_t alive = model->sessions.load())
    return fail(LQ_ERROR_INVALID_ARGUMENT,
                "%s: lq_model_close: %u session%s of this model %s still "
                "alive; destroy them first",
                model->path.c_str(), alive, alive == 1 ? "" : "s",
                alive == 1 ? "is" : "are");
  delete model;
  return LQ_OK;
}

extern "C" void lq_model_get_info(const lq_model *model, lq_model_info *info) {
  if (model && info)
    *info = model->info;
}
