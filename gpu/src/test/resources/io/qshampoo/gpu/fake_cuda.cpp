// A host-memory stand-in for the parts of the CUDA driver API, NVRTC, cuBLAS and cuSOLVER that qshampoo's gpu
// module calls. TEST FIXTURE ONLY: it lets the Java bindings (argument types, the kernelParams block, buffer sizes,
// the row-/column-major mapping, error handling, the context-current invariant) and the arithmetic of quantize.cu
// run on a machine without a GPU. Nothing here says anything about a real GPU's behaviour.
//
//   - "device memory" is malloc'ed host memory; every pointer a call receives is checked to lie inside a live
//     allocation with room for what the call touches (per the documented C semantics), else the call fails with
//     CUDA_ERROR_INVALID_VALUE / *_STATUS_INVALID_VALUE and fake_cuda_last_error() says why;
//   - calls that need a context fail with CUDA_ERROR_INVALID_CONTEXT unless the primary context is current on the
//     calling thread;
//   - cuLaunchKernel runs the kernel bodies of quantize.cu (compiled here with QS_HOST_EMULATION) over every thread
//     of the grid, a warp's max-reduction done serially;
//   - cuBLAS GEMM is the reference column-major triple loop; cuSOLVER potrf is the textbook Cholesky on the chosen
//     triangle and syevd a cyclic Jacobi eigensolver (float64) on it;
//   - fake_cuda_fail_next(name, status) makes the next call of `name` return `status`.
//
// Built by the tests with: g++ -std=c++17 -O2 -fPIC -shared -ffp-contract=off -DQS_HOST_EMULATION (see FakeCuda).

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <mutex>
#include <string>
#include <vector>
#include <algorithm>

#include "quantize.cu"

#define EXPORT extern "C" __attribute__((visibility("default")))

typedef unsigned long long u64;

// ------------------------------------------------------------------------------------------ bookkeeping

static std::mutex g_lock;
static std::map<u64, size_t> g_allocations;      // address -> bytes
static std::string g_last_error;
static std::string g_fail_name;
static int g_fail_status = 0;
static int g_device_count = 1;
static int g_primary_refs = 0;
static int g_ctx_token = 0;                        // the primary context's address
static thread_local void* t_current = nullptr;
static std::string g_last_options;

static int fail(int status, const std::string& why) {
    g_last_error = why;
    return status;
}

/** Returns the injected status if `name` is the call to fail next (consumed), else 0. */
static int injected(const char* name) {
    if (!g_fail_name.empty() && g_fail_name == name) {
        g_fail_name.clear();
        return g_fail_status;
    }
    return 0;
}

static bool context_current() {
    return g_primary_refs > 0 && t_current == (void*) &g_ctx_token;
}

/** Whether [p, p + bytes) lies inside one live allocation (bytes == 0: anything, even 0, is fine). */
static bool inside(u64 p, u64 bytes, const char* what, const char* call) {
    if (bytes == 0) {
        return true;
    }
    auto it = g_allocations.upper_bound(p);
    if (it != g_allocations.begin()) {
        --it;
        if (p >= it->first && p + bytes <= it->first + it->second) {
            return true;
        }
    }
    char buf[256];
    snprintf(buf, sizeof buf, "%s: %s [0x%llx, +%llu bytes) is not inside a live device allocation", call, what, p, bytes);
    g_last_error = buf;
    return false;
}

EXPORT void fake_cuda_fail_next(const char* name, int status) {
    std::lock_guard<std::mutex> l(g_lock);
    g_fail_name = name;
    g_fail_status = status;
}

EXPORT void fake_cuda_set_device_count(int n) { g_device_count = n; }

EXPORT long long fake_cuda_live_allocations(void) {
    std::lock_guard<std::mutex> l(g_lock);
    return (long long) g_allocations.size();
}

EXPORT int fake_cuda_primary_context_refs(void) { return g_primary_refs; }

EXPORT const char* fake_cuda_last_error(void) { return g_last_error.c_str(); }

EXPORT const char* fake_nvrtc_last_options(void) { return g_last_options.c_str(); }

// ------------------------------------------------------------------------------------------ driver API

#define CUDA_SUCCESS 0
#define CUDA_ERROR_INVALID_VALUE 1
#define CUDA_ERROR_OUT_OF_MEMORY 2
#define CUDA_ERROR_NOT_INITIALIZED 3
#define CUDA_ERROR_NO_DEVICE 100
#define CUDA_ERROR_INVALID_DEVICE 101
#define CUDA_ERROR_INVALID_CONTEXT 201
#define CUDA_ERROR_INVALID_HANDLE 400
#define CUDA_ERROR_NOT_FOUND 500

static bool g_initialized = false;

#define ENTER(name) do { int s_ = injected(name); if (s_) return fail(s_, std::string(name) + ": injected failure"); } while (0)
#define NEED_CONTEXT(name) do { if (!context_current()) return fail(CUDA_ERROR_INVALID_CONTEXT, std::string(name) + " without a current context"); } while (0)

EXPORT int cuGetErrorName(int error, const char** p) {
    switch (error) {
        case 0: *p = "CUDA_SUCCESS"; return 0;
        case 1: *p = "CUDA_ERROR_INVALID_VALUE"; return 0;
        case 2: *p = "CUDA_ERROR_OUT_OF_MEMORY"; return 0;
        case 3: *p = "CUDA_ERROR_NOT_INITIALIZED"; return 0;
        case 100: *p = "CUDA_ERROR_NO_DEVICE"; return 0;
        case 101: *p = "CUDA_ERROR_INVALID_DEVICE"; return 0;
        case 201: *p = "CUDA_ERROR_INVALID_CONTEXT"; return 0;
        case 222: *p = "CUDA_ERROR_UNSUPPORTED_PTX_VERSION"; return 0;
        case 400: *p = "CUDA_ERROR_INVALID_HANDLE"; return 0;
        case 500: *p = "CUDA_ERROR_NOT_FOUND"; return 0;
        default: *p = nullptr; return CUDA_ERROR_INVALID_VALUE;
    }
}

EXPORT int cuGetErrorString(int error, const char** p) {
    switch (error) {
        case 0: *p = "no error"; return 0;
        case 1: *p = "invalid argument"; return 0;
        case 2: *p = "out of memory"; return 0;
        case 3: *p = "initialization error"; return 0;
        case 100: *p = "no CUDA-capable device is detected"; return 0;
        case 101: *p = "invalid device ordinal"; return 0;
        case 201: *p = "invalid device context"; return 0;
        case 222: *p = "the provided PTX was compiled with an unsupported toolchain."; return 0;
        case 400: *p = "invalid resource handle"; return 0;
        case 500: *p = "named symbol not found"; return 0;
        default: *p = nullptr; return CUDA_ERROR_INVALID_VALUE;
    }
}

EXPORT int cuInit(unsigned int flags) {
    ENTER("cuInit");
    if (flags != 0) return fail(CUDA_ERROR_INVALID_VALUE, "cuInit: flags must be 0");
    if (g_device_count == 0) return fail(CUDA_ERROR_NO_DEVICE, "cuInit: no device");
    g_initialized = true;
    return 0;
}

EXPORT int cuDriverGetVersion(int* v) { ENTER("cuDriverGetVersion"); *v = 13000; return 0; }

EXPORT int cuDeviceGetCount(int* n) {
    ENTER("cuDeviceGetCount");
    if (!g_initialized) return fail(CUDA_ERROR_NOT_INITIALIZED, "cuDeviceGetCount before cuInit");
    *n = g_device_count;
    return 0;
}

EXPORT int cuDeviceGet(int* dev, int ordinal) {
    ENTER("cuDeviceGet");
    if (!g_initialized) return fail(CUDA_ERROR_NOT_INITIALIZED, "cuDeviceGet before cuInit");
    if (ordinal < 0 || ordinal >= g_device_count) return fail(CUDA_ERROR_INVALID_DEVICE, "cuDeviceGet: bad ordinal");
    *dev = ordinal;
    return 0;
}

EXPORT int cuDeviceGetName(char* name, int len, int dev) {
    ENTER("cuDeviceGetName");
    if (dev < 0 || dev >= g_device_count) return fail(CUDA_ERROR_INVALID_DEVICE, "cuDeviceGetName: bad device");
    snprintf(name, (size_t) len, "qshampoo fake CUDA device %d (host emulation, not a GPU)", dev);
    return 0;
}

EXPORT int cuDeviceGetAttribute(int* v, int attribute, int dev) {
    ENTER("cuDeviceGetAttribute");
    if (dev < 0 || dev >= g_device_count) return fail(CUDA_ERROR_INVALID_DEVICE, "cuDeviceGetAttribute: bad device");
    switch (attribute) {
        case 16: *v = 2; return 0;     // multiprocessors
        case 75: *v = 9; return 0;     // compute capability major
        case 76: *v = 0; return 0;     // minor
        default: return fail(CUDA_ERROR_INVALID_VALUE, "cuDeviceGetAttribute: attribute not emulated");
    }
}

EXPORT int cuDeviceTotalMem_v2(size_t* bytes, int dev) {
    ENTER("cuDeviceTotalMem_v2");
    if (dev < 0 || dev >= g_device_count) return fail(CUDA_ERROR_INVALID_DEVICE, "cuDeviceTotalMem_v2: bad device");
    *bytes = (size_t) 1 << 30;
    return 0;
}

EXPORT int cuDevicePrimaryCtxRetain(void** ctx, int dev) {
    ENTER("cuDevicePrimaryCtxRetain");
    if (dev != 0) return fail(CUDA_ERROR_INVALID_DEVICE, "cuDevicePrimaryCtxRetain: only device 0 is emulated");
    g_primary_refs++;
    *ctx = (void*) &g_ctx_token;
    return 0;
}

EXPORT int cuDevicePrimaryCtxRelease_v2(int dev) {
    ENTER("cuDevicePrimaryCtxRelease_v2");
    if (dev != 0 || g_primary_refs == 0) return fail(CUDA_ERROR_INVALID_CONTEXT, "cuDevicePrimaryCtxRelease_v2: not retained");
    g_primary_refs--;
    return 0;
}

EXPORT int cuCtxSetCurrent(void* ctx) {
    ENTER("cuCtxSetCurrent");
    if (ctx != nullptr && (ctx != (void*) &g_ctx_token || g_primary_refs == 0))
        return fail(CUDA_ERROR_INVALID_CONTEXT, "cuCtxSetCurrent: not a live context");
    t_current = ctx;
    return 0;
}

EXPORT int cuCtxSynchronize(void) { ENTER("cuCtxSynchronize"); NEED_CONTEXT("cuCtxSynchronize"); return 0; }

EXPORT int cuMemAlloc_v2(u64* p, size_t bytes) {
    ENTER("cuMemAlloc_v2");
    NEED_CONTEXT("cuMemAlloc_v2");
    if (bytes == 0) return fail(CUDA_ERROR_INVALID_VALUE, "cuMemAlloc_v2: 0 bytes");
    void* m = malloc(bytes);
    if (!m) return fail(CUDA_ERROR_OUT_OF_MEMORY, "cuMemAlloc_v2: malloc failed");
    memset(m, 0xA5, bytes);   // garbage, like fresh device memory
    std::lock_guard<std::mutex> l(g_lock);
    g_allocations[(u64) m] = bytes;
    *p = (u64) m;
    return 0;
}

EXPORT int cuMemFree_v2(u64 p) {
    ENTER("cuMemFree_v2");
    NEED_CONTEXT("cuMemFree_v2");
    std::lock_guard<std::mutex> l(g_lock);
    auto it = g_allocations.find(p);
    if (it == g_allocations.end()) return fail(CUDA_ERROR_INVALID_VALUE, "cuMemFree_v2: not an allocation");
    free((void*) p);
    g_allocations.erase(it);
    return 0;
}

EXPORT int cuMemcpyHtoD_v2(u64 dst, const void* src, size_t n) {
    ENTER("cuMemcpyHtoD_v2");
    NEED_CONTEXT("cuMemcpyHtoD_v2");
    if (!inside(dst, n, "destination", "cuMemcpyHtoD_v2")) return CUDA_ERROR_INVALID_VALUE;
    memcpy((void*) dst, src, n);
    return 0;
}

EXPORT int cuMemcpyDtoH_v2(void* dst, u64 src, size_t n) {
    ENTER("cuMemcpyDtoH_v2");
    NEED_CONTEXT("cuMemcpyDtoH_v2");
    if (!inside(src, n, "source", "cuMemcpyDtoH_v2")) return CUDA_ERROR_INVALID_VALUE;
    memcpy(dst, (const void*) src, n);
    return 0;
}

EXPORT int cuMemcpyDtoD_v2(u64 dst, u64 src, size_t n) {
    ENTER("cuMemcpyDtoD_v2");
    NEED_CONTEXT("cuMemcpyDtoD_v2");
    if (!inside(dst, n, "destination", "cuMemcpyDtoD_v2") || !inside(src, n, "source", "cuMemcpyDtoD_v2"))
        return CUDA_ERROR_INVALID_VALUE;
    memmove((void*) dst, (const void*) src, n);
    return 0;
}

EXPORT int cuMemsetD8_v2(u64 dst, unsigned char v, size_t n) {
    ENTER("cuMemsetD8_v2");
    NEED_CONTEXT("cuMemsetD8_v2");
    if (!inside(dst, n, "destination", "cuMemsetD8_v2")) return CUDA_ERROR_INVALID_VALUE;
    memset((void*) dst, v, n);
    return 0;
}

// Modules: the "image" must be NUL-terminated text (PTX); functions are the four kernels of quantize.cu.
static int g_module_token = 0;
static const char* KERNELS[] = {"qs_diagonal", "qs_absmax", "qs_encode", "qs_decode"};
static int g_function_tokens[4];
static int g_modules_loaded = 0;

EXPORT int cuModuleLoadData(void** module, const void* image) {
    ENTER("cuModuleLoadData");
    NEED_CONTEXT("cuModuleLoadData");
    if (!image || strncmp((const char*) image, "// fake PTX", 11) != 0)
        return fail(CUDA_ERROR_INVALID_VALUE, "cuModuleLoadData: not the fake NVRTC's PTX");
    g_modules_loaded++;
    *module = (void*) &g_module_token;
    return 0;
}

EXPORT int cuModuleUnload(void* module) {
    ENTER("cuModuleUnload");
    NEED_CONTEXT("cuModuleUnload");
    if (module != (void*) &g_module_token || g_modules_loaded == 0) return fail(CUDA_ERROR_INVALID_HANDLE, "cuModuleUnload");
    g_modules_loaded--;
    return 0;
}

EXPORT int cuModuleGetFunction(void** f, void* module, const char* name) {
    ENTER("cuModuleGetFunction");
    NEED_CONTEXT("cuModuleGetFunction");
    if (module != (void*) &g_module_token) return fail(CUDA_ERROR_INVALID_HANDLE, "cuModuleGetFunction: bad module");
    for (int k = 0; k < 4; k++) {
        if (strcmp(name, KERNELS[k]) == 0) {
            *f = (void*) &g_function_tokens[k];
            return 0;
        }
    }
    return fail(CUDA_ERROR_NOT_FOUND, std::string("cuModuleGetFunction: no kernel ") + name);
}

/** Parameter k of a kernel: every parameter of qshampoo's kernels is 64 bits wide. */
static qs_i64 arg(void** params, int k) { return *(qs_i64*) params[k]; }
template <typename T> static T* ptr(void** params, int k) { return (T*) *(u64*) params[k]; }

EXPORT int cuLaunchKernel(void* f, unsigned gx, unsigned gy, unsigned gz, unsigned bx, unsigned by, unsigned bz,
                          unsigned shared, void* stream, void** params, void** extra) {
    ENTER("cuLaunchKernel");
    NEED_CONTEXT("cuLaunchKernel");
    if (gy != 1 || gz != 1 || by != 1 || bz != 1 || gx == 0 || bx == 0 || bx > 1024)
        return fail(CUDA_ERROR_INVALID_VALUE, "cuLaunchKernel: grid/block shape not emulated");
    if (stream != nullptr || extra != nullptr || params == nullptr)
        return fail(CUDA_ERROR_INVALID_VALUE, "cuLaunchKernel: expected the default stream and kernelParams only");
    qs_i64 threads = (qs_i64) gx * bx;
    int which = -1;
    for (int k = 0; k < 4; k++) {
        if (f == (void*) &g_function_tokens[k]) which = k;
    }
    std::lock_guard<std::mutex> l(g_lock);
    switch (which) {
        case 0: { // qs_diagonal(src, n, diag, flag)
            const float* src = ptr<const float>(params, 0);
            qs_i64 n = arg(params, 1);
            if (!inside((u64) src, 4ull * n * n, "src", "qs_diagonal") || !inside((u64) ptr<float>(params, 2), 4ull * n, "diag", "qs_diagonal")
                || !inside((u64) ptr<qs_u32>(params, 3), 4, "flag", "qs_diagonal")) return CUDA_ERROR_INVALID_VALUE;
            if (threads < n) return fail(CUDA_ERROR_INVALID_VALUE, "qs_diagonal: grid too small");
            for (qs_i64 t = 0; t < threads; t++) qs_diagonal_body(t, src, n, ptr<float>(params, 2), ptr<qs_u32>(params, 3));
            return 0;
        }
        case 1: { // qs_absmax(src, rows, cols, mode, tiles, B, blocks, scales, recip, flag)
            const float* src = ptr<const float>(params, 0);
            qs_i64 rows = arg(params, 1), cols = arg(params, 2), mode = arg(params, 3), tiles = arg(params, 4), B = arg(params, 5);
            qs_i64 blocks = arg(params, 6);
            if (bx % 32 != 0) return fail(CUDA_ERROR_INVALID_VALUE, "qs_absmax: block size not a multiple of the warp");
            if (!inside((u64) src, 4ull * rows * cols, "src", "qs_absmax") || !inside((u64) ptr<float>(params, 7), 4ull * blocks, "scales", "qs_absmax")
                || !inside((u64) ptr<float>(params, 8), 4ull * blocks, "recip", "qs_absmax")
                || !inside((u64) ptr<qs_u32>(params, 9), 4, "flag", "qs_absmax")) return CUDA_ERROR_INVALID_VALUE;
            if (threads < 32 * blocks) return fail(CUDA_ERROR_INVALID_VALUE, "qs_absmax: grid too small");
            for (qs_i64 w = 0; w < threads / 32; w++) {
                if (w >= blocks) break;
                qs_u32 m = 0;
                for (qs_i64 lane = 0; lane < 32; lane++) {
                    qs_u32 x = qs_absmax_lane(w, lane, 32, src, rows, cols, mode, tiles, B);
                    m = x > m ? x : m;
                }
                qs_absmax_finish(w, m, ptr<float>(params, 7), ptr<float>(params, 8), ptr<qs_u32>(params, 9));
            }
            return 0;
        }
        case 2: { // qs_encode(src, rows, cols, mode, tiles, B, bits, total, codeBytes, recip, thresholds, tableSize, codes)
            const float* src = ptr<const float>(params, 0);
            qs_i64 rows = arg(params, 1), cols = arg(params, 2), mode = arg(params, 3), tiles = arg(params, 4), B = arg(params, 5);
            qs_i64 bits = arg(params, 6), total = arg(params, 7), codeBytes = arg(params, 8), tableSize = arg(params, 11);
            if (tableSize > 256 || tableSize != (1 << bits)) return fail(CUDA_ERROR_INVALID_VALUE, "qs_encode: table size");
            if (codeBytes != (bits * total + 7) / 8) return fail(CUDA_ERROR_INVALID_VALUE, "qs_encode: codeBytes");
            if (!inside((u64) src, 4ull * rows * cols, "src", "qs_encode") || !inside((u64) ptr<float>(params, 10), 4ull * tableSize, "thresholds", "qs_encode")
                || !inside((u64) ptr<unsigned char>(params, 12), (u64) codeBytes, "codes", "qs_encode")
                || !inside((u64) ptr<float>(params, 9), 4, "recip", "qs_encode")) return CUDA_ERROR_INVALID_VALUE;
            if (threads < (total + 7) / 8) return fail(CUDA_ERROR_INVALID_VALUE, "qs_encode: grid too small");
            for (qs_i64 t = 0; t < threads; t++)
                qs_encode_body(t, src, rows, cols, mode, tiles, B, bits, total, codeBytes, ptr<const float>(params, 9),
                               ptr<const float>(params, 10), tableSize, ptr<unsigned char>(params, 12));
            return 0;
        }
        case 3: { // qs_decode(codes, codeBytes, scales, diag, rows, cols, mode, tiles, B, bits, values, out)
            qs_i64 codeBytes = arg(params, 1), rows = arg(params, 4), cols = arg(params, 5), mode = arg(params, 6);
            qs_i64 tiles = arg(params, 7), B = arg(params, 8), bits = arg(params, 9);
            if (!inside((u64) ptr<unsigned char>(params, 0), (u64) codeBytes, "codes", "qs_decode")
                || !inside((u64) ptr<float>(params, 10), 4ull << bits, "values", "qs_decode")
                || !inside((u64) ptr<float>(params, 11), 4ull * rows * cols, "out", "qs_decode")
                || (mode != 0 && !inside((u64) ptr<float>(params, 3), 4ull * rows, "diag", "qs_decode")))
                return CUDA_ERROR_INVALID_VALUE;
            if (threads < rows * cols) return fail(CUDA_ERROR_INVALID_VALUE, "qs_decode: grid too small");
            for (qs_i64 t = 0; t < threads; t++)
                qs_decode_body(t, ptr<const unsigned char>(params, 0), codeBytes, ptr<const float>(params, 2),
                               ptr<const float>(params, 3), rows, cols, mode, tiles, B, bits, ptr<const float>(params, 10),
                               ptr<float>(params, 11));
            return 0;
        }
        default:
            return fail(CUDA_ERROR_INVALID_HANDLE, "cuLaunchKernel: unknown function");
    }
}

// ------------------------------------------------------------------------------------------ NVRTC

struct FakeProgram {
    std::string source, name, ptx, log;
    bool compiled = false;
};

EXPORT const char* nvrtcGetErrorString(int r) {
    switch (r) {
        case 0: return "NVRTC_SUCCESS";
        case 3: return "NVRTC_ERROR_INVALID_INPUT";
        case 4: return "NVRTC_ERROR_INVALID_PROGRAM";
        case 6: return "NVRTC_ERROR_COMPILATION";
        default: return "NVRTC_ERROR unknown";
    }
}

EXPORT int nvrtcVersion(int* major, int* minor) { ENTER("nvrtcVersion"); *major = 13; *minor = 0; return 0; }

static const int ARCHS[] = {75, 80, 86, 89, 90};

EXPORT int nvrtcGetNumSupportedArchs(int* n) { ENTER("nvrtcGetNumSupportedArchs"); *n = 5; return 0; }

EXPORT int nvrtcGetSupportedArchs(int* a) {
    ENTER("nvrtcGetSupportedArchs");
    memcpy(a, ARCHS, sizeof ARCHS);
    return 0;
}

EXPORT int nvrtcCreateProgram(FakeProgram** prog, const char* src, const char* name, int numHeaders,
                              const char* const* headers, const char* const* includeNames) {
    ENTER("nvrtcCreateProgram");
    if (!prog || !src || numHeaders < 0) return 3;
    FakeProgram* p = new FakeProgram();
    p->source = src;
    p->name = name ? name : "default_program";
    *prog = p;
    return 0;
}

EXPORT int nvrtcCompileProgram(FakeProgram* prog, int numOptions, const char* const* options) {
    if (!prog) return 4;
    g_last_options.clear();
    for (int k = 0; k < numOptions; k++) {
        g_last_options += options[k];
        g_last_options += ' ';
    }
    int s = injected("nvrtcCompileProgram");
    if (s) {
        prog->log = prog->name + "(1): error: injected compile failure";
        return s;
    }
    if (prog->source.find("qs_encode") == std::string::npos) {
        prog->log = prog->name + ": not the quantization kernels";
        return 6;
    }
    prog->ptx = "// fake PTX of " + prog->name + " (" + std::to_string(prog->source.size()) + " source bytes)\n";
    prog->compiled = true;
    return 0;
}

EXPORT int nvrtcGetProgramLogSize(FakeProgram* prog, size_t* n) { if (!prog) return 4; *n = prog->log.size() + 1; return 0; }

EXPORT int nvrtcGetProgramLog(FakeProgram* prog, char* log) {
    if (!prog) return 4;
    memcpy(log, prog->log.c_str(), prog->log.size() + 1);
    return 0;
}

EXPORT int nvrtcGetPTXSize(FakeProgram* prog, size_t* n) {
    if (!prog || !prog->compiled) return 4;
    *n = prog->ptx.size() + 1;
    return 0;
}

EXPORT int nvrtcGetPTX(FakeProgram* prog, char* ptx) {
    if (!prog || !prog->compiled) return 4;
    memcpy(ptx, prog->ptx.c_str(), prog->ptx.size() + 1);
    return 0;
}

EXPORT int nvrtcDestroyProgram(FakeProgram** prog) {
    if (!prog || !*prog) return 4;
    delete *prog;
    *prog = nullptr;
    return 0;
}

// ------------------------------------------------------------------------------------------ cuBLAS

#define CUBLAS_STATUS_SUCCESS 0
#define CUBLAS_STATUS_NOT_INITIALIZED 1
#define CUBLAS_STATUS_INVALID_VALUE 7

static int g_blas_handles = 0;
static int g_blas_token = 0;

EXPORT int cublasCreate_v2(void** h) {
    if (injected("cublasCreate_v2")) return CUBLAS_STATUS_NOT_INITIALIZED;
    if (!context_current()) return fail(CUBLAS_STATUS_NOT_INITIALIZED, "cublasCreate_v2 without a current context");
    g_blas_handles++;
    *h = (void*) &g_blas_token;
    return 0;
}

EXPORT int cublasDestroy_v2(void* h) {
    if (h != (void*) &g_blas_token || g_blas_handles == 0) return CUBLAS_STATUS_NOT_INITIALIZED;
    g_blas_handles--;
    return 0;
}

EXPORT int cublasGetVersion_v2(void* h, int* v) { if (h != (void*) &g_blas_token) return 1; *v = 130000; return 0; }

EXPORT int fake_cublas_handles(void) { return g_blas_handles; }

/** Reference column-major GEMM with the documented argument checks; T is double or float. */
template <typename T>
static int gemm(const char* call, void* h, int ta, int tb, int m, int n, int k, const T* alpha, const T* A, int lda,
                const T* B, int ldb, const T* beta, T* C, int ldc) {
    if (injected(call)) return 13;
    if (h != (void*) &g_blas_token || g_blas_handles == 0) return fail(CUBLAS_STATUS_NOT_INITIALIZED, std::string(call) + ": bad handle");
    if (!context_current()) return fail(CUBLAS_STATUS_NOT_INITIALIZED, std::string(call) + " without a current context");
    if ((ta != 0 && ta != 1) || (tb != 0 && tb != 1) || m < 0 || n < 0 || k < 0)
        return fail(CUBLAS_STATUS_INVALID_VALUE, std::string(call) + ": bad op or size");
    int rowsA = ta == 0 ? m : k, colsA = ta == 0 ? k : m;
    int rowsB = tb == 0 ? k : n, colsB = tb == 0 ? n : k;
    if (lda < std::max(1, rowsA) || ldb < std::max(1, rowsB) || ldc < std::max(1, m))
        return fail(CUBLAS_STATUS_INVALID_VALUE, std::string(call) + ": leading dimension too small");
    std::lock_guard<std::mutex> l(g_lock);
    u64 e = sizeof(T);
    if ((colsA > 0 && rowsA > 0 && !inside((u64) A, e * ((u64) lda * (colsA - 1) + rowsA), "A", call))
        || (colsB > 0 && rowsB > 0 && !inside((u64) B, e * ((u64) ldb * (colsB - 1) + rowsB), "B", call))
        || (n > 0 && m > 0 && !inside((u64) C, e * ((u64) ldc * (n - 1) + m), "C", call)))
        return CUBLAS_STATUS_INVALID_VALUE;
    for (int j = 0; j < n; j++) {
        for (int i = 0; i < m; i++) {
            double s = 0;
            for (int p = 0; p < k; p++) {
                double a = ta == 0 ? A[i + (size_t) p * lda] : A[p + (size_t) i * lda];
                double b = tb == 0 ? B[p + (size_t) j * ldb] : B[j + (size_t) p * ldb];
                s += a * b;
            }
            double c = *beta == 0 ? 0.0 : (double) *beta * C[i + (size_t) j * ldc];
            C[i + (size_t) j * ldc] = (T) ((double) *alpha * s + c);
        }
    }
    return 0;
}

EXPORT int cublasDgemm_v2(void* h, int ta, int tb, int m, int n, int k, const double* alpha, const double* A, int lda,
                          const double* B, int ldb, const double* beta, double* C, int ldc) {
    return gemm<double>("cublasDgemm_v2", h, ta, tb, m, n, k, alpha, A, lda, B, ldb, beta, C, ldc);
}

EXPORT int cublasSgemm_v2(void* h, int ta, int tb, int m, int n, int k, const float* alpha, const float* A, int lda,
                          const float* B, int ldb, const float* beta, float* C, int ldc) {
    return gemm<float>("cublasSgemm_v2", h, ta, tb, m, n, k, alpha, A, lda, B, ldb, beta, C, ldc);
}

// ------------------------------------------------------------------------------------------ cuSOLVER

#define CUSOLVER_STATUS_NOT_INITIALIZED 1
#define CUSOLVER_STATUS_INVALID_VALUE 3

static int g_solver_handles = 0;
static int g_solver_token = 0;

EXPORT int cusolverDnCreate(void** h) {
    if (injected("cusolverDnCreate")) return CUSOLVER_STATUS_NOT_INITIALIZED;
    if (!context_current()) return fail(CUSOLVER_STATUS_NOT_INITIALIZED, "cusolverDnCreate without a current context");
    g_solver_handles++;
    *h = (void*) &g_solver_token;
    return 0;
}

EXPORT int cusolverDnDestroy(void* h) {
    if (h != (void*) &g_solver_token || g_solver_handles == 0) return CUSOLVER_STATUS_NOT_INITIALIZED;
    g_solver_handles--;
    return 0;
}

EXPORT int fake_cusolver_handles(void) { return g_solver_handles; }

static bool solver_ok(void* h, const char* call) {
    if (h != (void*) &g_solver_token || g_solver_handles == 0) { fail(1, std::string(call) + ": bad handle"); return false; }
    if (!context_current()) { fail(1, std::string(call) + " without a current context"); return false; }
    return true;
}

template <typename T>
static int potrf_size(const char* call, void* h, int uplo, int n, T* A, int lda, int* lwork) {
    if (!solver_ok(h, call)) return CUSOLVER_STATUS_NOT_INITIALIZED;
    if ((uplo != 0 && uplo != 1) || n < 0 || lda < std::max(1, n)) return fail(CUSOLVER_STATUS_INVALID_VALUE, std::string(call) + ": bad arguments");
    std::lock_guard<std::mutex> l(g_lock);
    if (n > 0 && !inside((u64) A, sizeof(T) * ((u64) lda * (n - 1) + n), "A", call)) return CUSOLVER_STATUS_INVALID_VALUE;
    *lwork = n + 7;  // any size: the stand-in checks the caller allocates and passes what it was told
    return 0;
}

/** Cholesky of the uplo triangle of column-major A; element (r, c) at A[r + c·lda]. */
template <typename T>
static int potrf(const char* call, void* h, int uplo, int n, T* A, int lda, T* work, int lwork, int* info) {
    if (injected(call)) return 6;
    if (!solver_ok(h, call)) return CUSOLVER_STATUS_NOT_INITIALIZED;
    if ((uplo != 0 && uplo != 1) || n < 0 || lda < std::max(1, n)) return fail(CUSOLVER_STATUS_INVALID_VALUE, std::string(call) + ": bad arguments");
    std::lock_guard<std::mutex> l(g_lock);
    if ((n > 0 && !inside((u64) A, sizeof(T) * ((u64) lda * (n - 1) + n), "A", call))
        || !inside((u64) info, 4, "devInfo", call)) return CUSOLVER_STATUS_INVALID_VALUE;
    if (lwork < n + 7 || !inside((u64) work, sizeof(T) * (u64) lwork, "Workspace", call))
        return fail(CUSOLVER_STATUS_INVALID_VALUE, std::string(call) + ": workspace smaller than the buffer size query said");
    // upper: A = UᵀU with U(r, c), r ≤ c, at A[r + c·lda]; lower: A = L·Lᵀ with L(r, c), r ≥ c. Same loop, mirrored.
    auto at = [&](int r, int c) -> T& { return uplo == 1 ? A[r + (size_t) c * lda] : A[c + (size_t) r * lda]; };
    *info = 0;
    for (int j = 0; j < n; j++) {
        double s = at(j, j);
        for (int p = 0; p < j; p++) s -= (double) at(p, j) * at(p, j);
        if (!(s > 0)) { *info = j + 1; return 0; }
        double d = std::sqrt(s);
        at(j, j) = (T) d;
        for (int i = j + 1; i < n; i++) {
            double t = at(j, i);
            for (int p = 0; p < j; p++) t -= (double) at(p, j) * at(p, i);
            at(j, i) = (T) (t / d);
        }
    }
    return 0;
}

EXPORT int cusolverDnDpotrf_bufferSize(void* h, int uplo, int n, double* A, int lda, int* lwork) {
    return potrf_size<double>("cusolverDnDpotrf_bufferSize", h, uplo, n, A, lda, lwork);
}
EXPORT int cusolverDnSpotrf_bufferSize(void* h, int uplo, int n, float* A, int lda, int* lwork) {
    return potrf_size<float>("cusolverDnSpotrf_bufferSize", h, uplo, n, A, lda, lwork);
}
EXPORT int cusolverDnDpotrf(void* h, int uplo, int n, double* A, int lda, double* w, int lwork, int* info) {
    return potrf<double>("cusolverDnDpotrf", h, uplo, n, A, lda, w, lwork, info);
}
EXPORT int cusolverDnSpotrf(void* h, int uplo, int n, float* A, int lda, float* w, int lwork, int* info) {
    return potrf<float>("cusolverDnSpotrf", h, uplo, n, A, lda, w, lwork, info);
}

template <typename T>
static int syevd_size(const char* call, void* h, int jobz, int uplo, int n, const T* A, int lda, const T* W, int* lwork) {
    if (!solver_ok(h, call)) return CUSOLVER_STATUS_NOT_INITIALIZED;
    if ((jobz != 0 && jobz != 1) || (uplo != 0 && uplo != 1) || n < 0 || lda < std::max(1, n))
        return fail(CUSOLVER_STATUS_INVALID_VALUE, std::string(call) + ": bad arguments");
    std::lock_guard<std::mutex> l(g_lock);
    if (n > 0 && (!inside((u64) A, sizeof(T) * ((u64) lda * (n - 1) + n), "A", call) || !inside((u64) W, sizeof(T) * n, "W", call)))
        return CUSOLVER_STATUS_INVALID_VALUE;
    *lwork = 2 * n + 3;
    return 0;
}

/** Eigenvalues ascending into W, eigenvectors into A's columns, from A's uplo triangle (cyclic Jacobi, float64). */
template <typename T>
static int syevd(const char* call, void* h, int jobz, int uplo, int n, T* A, int lda, T* W, T* work, int lwork, int* info) {
    if (injected(call)) return 6;
    if (!solver_ok(h, call)) return CUSOLVER_STATUS_NOT_INITIALIZED;
    if ((jobz != 0 && jobz != 1) || (uplo != 0 && uplo != 1) || n < 0 || lda < std::max(1, n))
        return fail(CUSOLVER_STATUS_INVALID_VALUE, std::string(call) + ": bad arguments");
    std::lock_guard<std::mutex> l(g_lock);
    if ((n > 0 && (!inside((u64) A, sizeof(T) * ((u64) lda * (n - 1) + n), "A", call) || !inside((u64) W, sizeof(T) * n, "W", call)))
        || !inside((u64) info, 4, "devInfo", call)) return CUSOLVER_STATUS_INVALID_VALUE;
    if (lwork < 2 * n + 3 || !inside((u64) work, sizeof(T) * (u64) lwork, "work", call))
        return fail(CUSOLVER_STATUS_INVALID_VALUE, std::string(call) + ": workspace smaller than the buffer size query said");
    std::vector<double> a((size_t) n * n), v((size_t) n * n, 0.0);
    for (int c = 0; c < n; c++) {
        for (int r = 0; r < n; r++) {
            bool stored = uplo == 0 ? r >= c : r <= c;   // only the uplo triangle is read
            double x = stored ? A[r + (size_t) c * lda] : A[c + (size_t) r * lda];
            a[r + (size_t) c * n] = x;
        }
        v[c + (size_t) c * n] = 1.0;
    }
    for (int sweep = 0; sweep < 100; sweep++) {
        double off = 0, diag = 0;
        for (int c = 0; c < n; c++)
            for (int r = 0; r < n; r++) (r == c ? diag : off) += a[r + (size_t) c * n] * a[r + (size_t) c * n];
        if (off <= 1e-30 * diag || off == 0) break;
        for (int p = 0; p < n - 1; p++) {
            for (int q = p + 1; q < n; q++) {
                double apq = a[p + (size_t) q * n];
                if (apq == 0) continue;
                double app = a[p + (size_t) p * n], aqq = a[q + (size_t) q * n];
                double theta = (aqq - app) / (2 * apq);
                double t = (theta >= 0 ? 1.0 : -1.0) / (std::fabs(theta) + std::sqrt(theta * theta + 1));
                double cs = 1 / std::sqrt(t * t + 1), sn = t * cs;
                for (int k = 0; k < n; k++) {   // columns p, q
                    double akp = a[k + (size_t) p * n], akq = a[k + (size_t) q * n];
                    a[k + (size_t) p * n] = cs * akp - sn * akq;
                    a[k + (size_t) q * n] = sn * akp + cs * akq;
                }
                for (int k = 0; k < n; k++) {   // rows p, q
                    double apk = a[p + (size_t) k * n], aqk = a[q + (size_t) k * n];
                    a[p + (size_t) k * n] = cs * apk - sn * aqk;
                    a[q + (size_t) k * n] = sn * apk + cs * aqk;
                }
                for (int k = 0; k < n; k++) {
                    double vkp = v[k + (size_t) p * n], vkq = v[k + (size_t) q * n];
                    v[k + (size_t) p * n] = cs * vkp - sn * vkq;
                    v[k + (size_t) q * n] = sn * vkp + cs * vkq;
                }
            }
        }
    }
    std::vector<int> order(n);
    for (int k = 0; k < n; k++) order[k] = k;
    std::sort(order.begin(), order.end(), [&](int x, int y) { return a[x + (size_t) x * n] < a[y + (size_t) y * n]; });
    for (int j = 0; j < n; j++) {
        W[j] = (T) a[order[j] + (size_t) order[j] * n];
        if (jobz == 1)
            for (int r = 0; r < n; r++) A[r + (size_t) j * lda] = (T) v[r + (size_t) order[j] * n];
    }
    *info = 0;
    return 0;
}

EXPORT int cusolverDnDsyevd_bufferSize(void* h, int jobz, int uplo, int n, const double* A, int lda, const double* W, int* lwork) {
    return syevd_size<double>("cusolverDnDsyevd_bufferSize", h, jobz, uplo, n, A, lda, W, lwork);
}
EXPORT int cusolverDnSsyevd_bufferSize(void* h, int jobz, int uplo, int n, const float* A, int lda, const float* W, int* lwork) {
    return syevd_size<float>("cusolverDnSsyevd_bufferSize", h, jobz, uplo, n, A, lda, W, lwork);
}
EXPORT int cusolverDnDsyevd(void* h, int jobz, int uplo, int n, double* A, int lda, double* W, double* work, int lwork, int* info) {
    return syevd<double>("cusolverDnDsyevd", h, jobz, uplo, n, A, lda, W, work, lwork, info);
}
EXPORT int cusolverDnSsyevd(void* h, int jobz, int uplo, int n, float* A, int lda, float* W, float* work, int lwork, int* info) {
    return syevd<float>("cusolverDnSsyevd", h, jobz, uplo, n, A, lda, W, work, lwork, info);
}
