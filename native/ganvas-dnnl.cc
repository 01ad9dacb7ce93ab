// Ganvas native convolutions: a Node-API addon over oneDNN (Debian's libdnnl), used by lib/tensor to run the
// heavy tfjs kernels (Conv2D, Conv2DBackpropInput, Conv2DBackpropFilter) with AVX2/AVX-512 FMA on every core
// instead of one wasm SIMD128 thread. Tensors stay where tfjs keeps them: the caller passes Float32Array
// views (NHWC activations, HWIO filters) and a view to write the result into; nothing is allocated in JS.
//
// Build: npm run native:build (g++ and libdnnl-dev; scripts/build-native.mjs). batch-norm.cc is the other half.
#include <node_api.h>
#include <omp.h>

#include <oneapi/dnnl/dnnl.hpp>

#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>
#include <unordered_map>

#include "addon.h"

using namespace dnnl;
using tag = memory::format_tag;
using dt = memory::data_type;

namespace {

enum Kind { FORWARD = 0, BACKWARD_DATA = 1, BACKWARD_WEIGHTS = 2 };

// n, h, w, c (input), kh, kw, o (filter), oh, ow (output), strides, pads (top, bottom, left, right), dilations
struct Geometry {
  int64_t n, h, w, c, kh, kw, o, oh, ow, sh, sw, pt, pb, pl, pr, dh, dw;
};
constexpr int kGeometryLength = 17;

// Everything below is per calling thread: data-parallel training may call from several worker_threads at once.
engine& cpu() {
  thread_local engine e(engine::kind::cpu, 0);
  return e;
}

stream& cpuStream() {
  thread_local stream s(cpu());
  return s;
}

// Threads for one convolution: all of `maxThreads` for big ones, one for small ones, where waking and joining
// a team costs more than it saves (and a team stalls whenever another process holds one of its cores).
constexpr double kParallelFlops = 20e6;

// One input or output of the primitive: the user's layout, the primitive's, and a buffer for the reorder
// between them when they differ.
struct Port {
  memory::desc user;
  memory::desc chosen;
  std::unique_ptr<memory> tmp;
  bool reorder() const { return user != chosen; }
  void prepare() {
    if (reorder() && !tmp) tmp = std::make_unique<memory>(chosen, cpu());
  }
};

struct Plan {
  int threads;
  primitive op;
  std::string impl;
  int argA, argB, argOut;
  Port a, b, out;
};

memory::desc userSrc(const Geometry& g) { return memory::desc({g.n, g.c, g.h, g.w}, dt::f32, tag::nhwc); }
memory::desc userWeights(const Geometry& g) { return memory::desc({g.o, g.c, g.kh, g.kw}, dt::f32, tag::hwio); }
memory::desc userDst(const Geometry& g) { return memory::desc({g.n, g.o, g.oh, g.ow}, dt::f32, tag::nhwc); }
memory::desc anyOf(const memory::desc& d) { return memory::desc(d.dims(), dt::f32, tag::any); }

double flopsOf(const Geometry& g) { return 2.0 * g.n * g.oh * g.ow * g.o * g.kh * g.kw * g.c; }

// oneDNN fixes a primitive's thread partition when it is created: create and run it with the same count
struct ThreadScope {
  int saved = omp_get_max_threads();
  explicit ThreadScope(int n) { omp_set_num_threads(n); }
  ~ThreadScope() { omp_set_num_threads(saved); }
};

std::unique_ptr<Plan> makePlan(Kind kind, const Geometry& g) {
  const int threads = flopsOf(g) < kParallelFlops ? 1 : ganvas::maxThreads();
  ThreadScope scope(threads);
  const memory::dims strides = {g.sh, g.sw}, dil = {g.dh - 1, g.dw - 1}, pl = {g.pt, g.pl}, pr = {g.pb, g.pr};
  const auto src = userSrc(g), wei = userWeights(g), dst = userDst(g);
  convolution_forward::desc fd(prop_kind::forward_training, algorithm::convolution_direct, anyOf(src),
                               anyOf(wei), anyOf(dst), strides, dil, pl, pr);
  convolution_forward::primitive_desc fwd(fd, cpu());
  auto plan = std::make_unique<Plan>();
  plan->threads = threads;
  if (kind == FORWARD) {
    plan->op = convolution_forward(fwd);
    plan->impl = fwd.impl_info_str();
    plan->argA = DNNL_ARG_SRC;
    plan->argB = DNNL_ARG_WEIGHTS;
    plan->argOut = DNNL_ARG_DST;
    plan->a = {src, fwd.src_desc(), nullptr};
    plan->b = {wei, fwd.weights_desc(), nullptr};
    plan->out = {dst, fwd.dst_desc(), nullptr};
  } else if (kind == BACKWARD_DATA) {
    convolution_backward_data::desc bd(algorithm::convolution_direct, anyOf(src), anyOf(wei), anyOf(dst),
                                       strides, dil, pl, pr);
    convolution_backward_data::primitive_desc pd(bd, cpu(), fwd);
    plan->op = convolution_backward_data(pd);
    plan->impl = pd.impl_info_str();
    plan->argA = DNNL_ARG_DIFF_DST;
    plan->argB = DNNL_ARG_WEIGHTS;
    plan->argOut = DNNL_ARG_DIFF_SRC;
    plan->a = {dst, pd.diff_dst_desc(), nullptr};
    plan->b = {wei, pd.weights_desc(), nullptr};
    plan->out = {src, pd.diff_src_desc(), nullptr};
  } else {
    convolution_backward_weights::desc bd(algorithm::convolution_direct, anyOf(src), anyOf(wei), anyOf(dst),
                                          strides, dil, pl, pr);
    convolution_backward_weights::primitive_desc pd(bd, cpu(), fwd);
    plan->op = convolution_backward_weights(pd);
    plan->impl = pd.impl_info_str();
    plan->argA = DNNL_ARG_SRC;
    plan->argB = DNNL_ARG_DIFF_DST;
    plan->argOut = DNNL_ARG_DIFF_WEIGHTS;
    plan->a = {src, pd.src_desc(), nullptr};
    plan->b = {dst, pd.diff_dst_desc(), nullptr};
    plan->out = {wei, pd.diff_weights_desc(), nullptr};
  }
  plan->a.prepare();
  plan->b.prepare();
  plan->out.prepare();
  return plan;
}

std::unordered_map<std::string, std::unique_ptr<Plan>>& plans() {
  thread_local std::unordered_map<std::string, std::unique_ptr<Plan>> m;
  return m;
}

Plan& planFor(Kind kind, const Geometry& g) {
  std::string key = std::to_string(kind) + "," + std::to_string(ganvas::maxThreads());
  const int64_t* v = &g.n;
  for (int i = 0; i < kGeometryLength; i++) key += "," + std::to_string(v[i]);
  auto& m = plans();
  auto it = m.find(key);
  if (it == m.end()) it = m.emplace(key, makePlan(kind, g)).first;
  return *it->second;
}

// Run `kind` on user buffers a, b → out (sizes checked by the caller in JS and again here).
void run(Kind kind, const Geometry& g, float* a, float* b, float* out) {
  Plan& p = planFor(kind, g);
  ThreadScope scope(p.threads);
  stream& s = cpuStream();
  memory ua(p.a.user, cpu(), a), ub(p.b.user, cpu(), b), uo(p.out.user, cpu(), out);
  if (p.a.reorder()) reorder(ua, *p.a.tmp).execute(s, ua, *p.a.tmp);
  if (p.b.reorder()) reorder(ub, *p.b.tmp).execute(s, ub, *p.b.tmp);
  memory& ma = p.a.reorder() ? *p.a.tmp : ua;
  memory& mb = p.b.reorder() ? *p.b.tmp : ub;
  memory& mo = p.out.reorder() ? *p.out.tmp : uo;
  p.op.execute(s, {{p.argA, ma}, {p.argB, mb}, {p.argOut, mo}});
  if (p.out.reorder()) reorder(*p.out.tmp, uo).execute(s, *p.out.tmp, uo);
  s.wait();
}

// ---- Node-API glue ----

using ganvas::fail;
using ganvas::floats;

bool readGeometry(napi_env env, napi_value v, Geometry* g) {
  int64_t* out = &g->n;
  for (uint32_t i = 0; i < kGeometryLength; i++) {
    napi_value e;
    if (napi_get_element(env, v, i, &e) != napi_ok || napi_get_value_int64(env, e, &out[i]) != napi_ok)
      return false;
  }
  return true;
}

// conv(kind, geometry[17], a, b, out)
napi_value Conv(napi_env env, napi_callback_info info) {
  size_t argc = 5;
  napi_value argv[5];
  napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr);
  if (argc != 5) return fail(env, "conv(kind, geometry, a, b, out) takes 5 arguments");
  int32_t kind;
  Geometry g;
  if (napi_get_value_int32(env, argv[0], &kind) != napi_ok || kind < 0 || kind > 2)
    return fail(env, "conv: kind must be 0 (forward), 1 (backward data) or 2 (backward weights)");
  if (!readGeometry(env, argv[1], &g)) return fail(env, "conv: geometry must be 17 integers");
  float *a, *b, *out;
  size_t na, nb, nout;
  if (!floats(env, argv[2], &a, &na) || !floats(env, argv[3], &b, &nb) || !floats(env, argv[4], &out, &nout))
    return fail(env, "conv: a, b and out must be Float32Arrays");
  const size_t src = g.n * g.h * g.w * g.c, wei = g.kh * g.kw * g.c * g.o, dst = g.n * g.oh * g.ow * g.o;
  const size_t want[3][3] = {{src, wei, dst}, {dst, wei, src}, {src, dst, wei}};
  if (na != want[kind][0] || nb != want[kind][1] || nout != want[kind][2])
    return fail(env, "conv: buffer sizes do not match the geometry");
  try {
    run(static_cast<Kind>(kind), g, a, b, out);
  } catch (const dnnl::error& e) {
    return fail(env, std::string("oneDNN: ") + e.what());
  } catch (const std::exception& e) {
    return fail(env, e.what());
  }
  return nullptr;
}

// implementation(kind, geometry) → the oneDNN implementation chosen, e.g. "jit:avx2"
napi_value Implementation(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr);
  int32_t kind;
  Geometry g;
  if (argc != 2 || napi_get_value_int32(env, argv[0], &kind) != napi_ok || kind < 0 || kind > 2 ||
      !readGeometry(env, argv[1], &g))
    return fail(env, "implementation(kind, geometry)");
  try {
    napi_value s;
    napi_create_string_utf8(env, planFor(static_cast<Kind>(kind), g).impl.c_str(), NAPI_AUTO_LENGTH, &s);
    return s;
  } catch (const std::exception& e) {
    return fail(env, e.what());
  }
}

// setThreads(n): the most threads one native kernel may use from this thread (default: every core)
napi_value SetThreads(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr);
  int32_t n;
  if (argc != 1 || napi_get_value_int32(env, argv[0], &n) != napi_ok || n < 1 || n > 1024)
    return fail(env, "setThreads(n): n must be a whole number from 1 to 1024");
  ganvas::maxThreads() = n;
  return nullptr;
}

napi_value Version(napi_env env, napi_callback_info) {
  const dnnl_version_t* v = dnnl_version();
  char buf[64];
  snprintf(buf, sizeof buf, "oneDNN %d.%d.%d", v->major, v->minor, v->patch);
  napi_value s;
  napi_create_string_utf8(env, buf, NAPI_AUTO_LENGTH, &s);
  return s;
}

napi_value Init(napi_env env, napi_value exports) {
  napi_property_descriptor props[] = {
      {"conv", nullptr, Conv, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"implementation", nullptr, Implementation, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"version", nullptr, Version, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"setThreads", nullptr, SetThreads, nullptr, nullptr, nullptr, napi_default, nullptr},
  };
  napi_define_properties(env, exports, 4, props);
  ganvas::defineBatchNorm(env, exports);
  return exports;
}

}  // namespace

NAPI_MODULE(NODE_GYP_MODULE_NAME, Init)
