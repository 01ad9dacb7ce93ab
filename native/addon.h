// Shared by the addon's translation units (ganvas-dnnl.cc, batch-norm.cc).
#pragma once
#include <node_api.h>
#include <omp.h>

#include <string>

namespace ganvas {

// How many threads one native kernel started from the calling thread may use (default: every core). Per
// calling thread, so data-parallel workers can each take their share.
inline int& maxThreads() {
  thread_local int n = omp_get_max_threads();
  return n;
}

// Throws a JS Error with `msg`; returns the nullptr a napi callback then returns.
inline napi_value fail(napi_env env, const std::string& msg) {
  napi_throw_error(env, nullptr, msg.c_str());
  return nullptr;
}

// A Float32Array's data and length; false for anything else.
inline bool floats(napi_env env, napi_value v, float** data, size_t* length) {
  napi_typedarray_type type;
  napi_value buf;
  size_t offset;
  if (napi_get_typedarray_info(env, v, &type, length, reinterpret_cast<void**>(data), &buf, &offset) != napi_ok)
    return false;
  return type == napi_float32_array;
}

// defined in batch-norm.cc
void defineBatchNorm(napi_env env, napi_value exports);

}  // namespace ganvas
