// Training-mode batch normalisation fused with its activation, forward and backward, for channels-last tensors
// seen as [rows, c]. Replaces about a dozen wasm element-wise kernels per layer (moments, normalise, scale,
// activation and all their gradients, in one wasm thread) by two passes over the data on every core.
//
//   forward:  mean, var (biased) per channel; y = act((x − mean) · rsqrt(var + eps) · gamma + beta)
//   backward: g = dy · act'(y); dbeta = Σ g; dgamma = Σ g · x̂; dx = gamma · invstd · (g − dbeta/N − x̂ · dgamma/N)
// act: 0 none, 1 ReLU, 2 leaky ReLU (slope > 0, so the sign of y is the sign of the pre-activation).
// Sums are accumulated in double per thread, then added in thread order: results do not depend on timing.
#include <node_api.h>
#include <omp.h>

#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "addon.h"

namespace {

enum Act { NONE = 0, RELU = 1, LEAKY = 2 };

// below this many elements one thread is faster than waking a team
constexpr int64_t kParallelElements = 1 << 16;

int threadsFor(int64_t elements) {
  return elements < kParallelElements ? 1 : ganvas::maxThreads();
}

inline float actGrad(int act, float slope, float y) {
  if (act == NONE) return 1.0f;
  return y > 0.0f ? 1.0f : (act == RELU ? 0.0f : slope);
}

// Per-channel sums of f(row, channel) over all rows, split in `threads` contiguous row blocks.
template <typename F>
void channelSums(int64_t rows, int64_t c, int threads, std::vector<double>& a, std::vector<double>& b, F f) {
  std::vector<double> part(static_cast<size_t>(threads) * 2 * c, 0.0);
#pragma omp parallel num_threads(threads)
  {
    const int t = omp_get_thread_num(), nt = omp_get_num_threads();
    const int64_t r0 = rows * t / nt, r1 = rows * (t + 1) / nt;
    double* pa = &part[static_cast<size_t>(t) * 2 * c];
    double* pb = pa + c;
    for (int64_t r = r0; r < r1; r++) f(r, pa, pb);
  }
  a.assign(c, 0.0);
  b.assign(c, 0.0);
  for (int t = 0; t < threads; t++)
    for (int64_t j = 0; j < c; j++) {
      a[j] += part[static_cast<size_t>(t) * 2 * c + j];
      b[j] += part[static_cast<size_t>(t) * 2 * c + c + j];
    }
}

void forward(const float* x, const float* gamma, const float* beta, float* y, float* mean, float* var,
             int64_t rows, int64_t c, int act, float slope, float eps) {
  const int threads = threadsFor(rows * c);
  std::vector<double> sum, sumSq;
  channelSums(rows, c, threads, sum, sumSq, [&](int64_t r, double* s, double* s2) {
    const float* xr = x + r * c;
    for (int64_t j = 0; j < c; j++) {
      const double v = xr[j];
      s[j] += v;
      s2[j] += v * v;
    }
  });
  std::vector<float> scale(c), shift(c);
  for (int64_t j = 0; j < c; j++) {
    const double m = sum[j] / rows;
    const double v = std::max(sumSq[j] / rows - m * m, 0.0);
    mean[j] = static_cast<float>(m);
    var[j] = static_cast<float>(v);
    const double s = gamma[j] / std::sqrt(v + eps);
    scale[j] = static_cast<float>(s);
    shift[j] = static_cast<float>(beta[j] - m * s);
  }
#pragma omp parallel for num_threads(threads) schedule(static)
  for (int64_t r = 0; r < rows; r++) {
    const float* xr = x + r * c;
    float* yr = y + r * c;
    for (int64_t j = 0; j < c; j++) {
      const float v = xr[j] * scale[j] + shift[j];
      yr[j] = act == NONE ? v : (v > 0.0f ? v : (act == RELU ? 0.0f : v * slope));
    }
  }
}

void backward(const float* x, const float* y, const float* dy, const float* gamma, const float* mean,
              const float* var, float* dx, float* dgamma, float* dbeta, int64_t rows, int64_t c, int act,
              float slope, float eps) {
  const int threads = threadsFor(rows * c);
  std::vector<double> sumG, sumGx;
  channelSums(rows, c, threads, sumG, sumGx, [&](int64_t r, double* sg, double* sgx) {
    const float *xr = x + r * c, *yr = y + r * c, *dyr = dy + r * c;
    for (int64_t j = 0; j < c; j++) {
      const double g = dyr[j] * actGrad(act, slope, yr[j]);
      sg[j] += g;
      sgx[j] += g * (xr[j] - mean[j]);
    }
  });
  // dx = a·g + b·x + k per channel, with a = gamma·invstd, b = −a·invstd²·Σgx̂'/N, k = −a·Σg/N − b·mean
  std::vector<float> ca(c), cb(c), ck(c);
  for (int64_t j = 0; j < c; j++) {
    const double invstd = 1.0 / std::sqrt(static_cast<double>(var[j]) + eps);
    dbeta[j] = static_cast<float>(sumG[j]);
    dgamma[j] = static_cast<float>(sumGx[j] * invstd);
    const double a = gamma[j] * invstd;
    const double b = -a * invstd * invstd * sumGx[j] / rows;
    ca[j] = static_cast<float>(a);
    cb[j] = static_cast<float>(b);
    ck[j] = static_cast<float>(-a * sumG[j] / rows - b * mean[j]);
  }
#pragma omp parallel for num_threads(threads) schedule(static)
  for (int64_t r = 0; r < rows; r++) {
    const float *xr = x + r * c, *yr = y + r * c, *dyr = dy + r * c;
    float* dxr = dx + r * c;
    for (int64_t j = 0; j < c; j++) dxr[j] = ca[j] * dyr[j] * actGrad(act, slope, yr[j]) + cb[j] * xr[j] + ck[j];
  }
}

// ---- Node-API glue ----

using ganvas::fail;
using ganvas::floats;

// Reads (rows, c, act, slope, eps) from argv[0..4] and the Float32Arrays after them, checking their lengths:
// `perRow[i]` true for [rows, c] buffers, false for [c] ones.
bool readArgs(napi_env env, napi_callback_info info, const char* name, const std::vector<bool>& perRow,
              int64_t* rows, int64_t* c, int32_t* act, double* slope, double* eps, std::vector<float*>& bufs) {
  const size_t want = 5 + perRow.size();
  size_t argc = want;
  std::vector<napi_value> argv(want);
  napi_get_cb_info(env, info, &argc, argv.data(), nullptr, nullptr);
  std::string sig = std::string(name) + "(rows, c, act, slope, eps, …" + std::to_string(perRow.size()) + " buffers)";
  if (argc != want) return fail(env, sig + ": wrong number of arguments"), false;
  if (napi_get_value_int64(env, argv[0], rows) != napi_ok || napi_get_value_int64(env, argv[1], c) != napi_ok ||
      napi_get_value_int32(env, argv[2], act) != napi_ok || napi_get_value_double(env, argv[3], slope) != napi_ok ||
      napi_get_value_double(env, argv[4], eps) != napi_ok)
    return fail(env, sig + ": rows, c, act, slope and eps must be numbers"), false;
  if (*rows < 1 || *c < 1 || *act < NONE || *act > LEAKY)
    return fail(env, sig + ": rows and c must be ≥ 1, act 0 (none), 1 (relu) or 2 (leaky)"), false;
  bufs.resize(perRow.size());
  for (size_t i = 0; i < perRow.size(); i++) {
    size_t n;
    if (!floats(env, argv[5 + i], &bufs[i], &n)) return fail(env, sig + ": buffers must be Float32Arrays"), false;
    if (n != static_cast<size_t>(perRow[i] ? *rows * *c : *c))
      return fail(env, sig + ": buffer " + std::to_string(i) + " has the wrong length"), false;
  }
  return true;
}

// bnForward(rows, c, act, slope, eps, x, gamma, beta, y, mean, var)
napi_value Forward(napi_env env, napi_callback_info info) {
  int64_t rows, c;
  int32_t act;
  double slope, eps;
  std::vector<float*> b;
  if (!readArgs(env, info, "bnForward", {true, false, false, true, false, false}, &rows, &c, &act, &slope, &eps,
                b))
    return nullptr;
  forward(b[0], b[1], b[2], b[3], b[4], b[5], rows, c, act, static_cast<float>(slope), static_cast<float>(eps));
  return nullptr;
}

// bnBackward(rows, c, act, slope, eps, x, y, dy, gamma, mean, var, dx, dgamma, dbeta)
napi_value Backward(napi_env env, napi_callback_info info) {
  int64_t rows, c;
  int32_t act;
  double slope, eps;
  std::vector<float*> b;
  if (!readArgs(env, info, "bnBackward", {true, true, true, false, false, false, true, false, false}, &rows, &c,
                &act, &slope, &eps, b))
    return nullptr;
  backward(b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], rows, c, act, static_cast<float>(slope),
           static_cast<float>(eps));
  return nullptr;
}

}  // namespace

namespace ganvas {

void defineBatchNorm(napi_env env, napi_value exports) {
  napi_property_descriptor props[] = {
      {"bnForward", nullptr, Forward, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"bnBackward", nullptr, Backward, nullptr, nullptr, nullptr, napi_default, nullptr},
  };
  napi_define_properties(env, exports, 2, props);
}

}  // namespace ganvas
