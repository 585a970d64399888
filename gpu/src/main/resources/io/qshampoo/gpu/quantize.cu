// Block quantization kernels of qshampoo's CUDA backend (io.qshampoo.gpu.CudaBlockQuantizer).
//
// Contract: bit-identical to io.qshampoo.quant.CpuBlockQuantizer (see the BlockQuantizer Javadoc):
//   N = fp32 absmax of a block (DIAG_REAL: the diagonal counts as 0), scale = 1.0f/N (IEEE division; 0 when
//   N = 0), xbar = x*scale as one fp32 multiply (never fused), code = #{k : xbar > thresholds[k]} (the table's
//   fp32 midpoints, odd ones lowered by one ulp so that an exact tie goes to the even index; NaN -> 0),
//   codes packed LSB-first into a little-endian bit stream (4-bit: the lower column in the low nibble);
//   dequantization x' = M(code)*N (fp32 multiply), the fp32 diagonal restored.
//
// Three ways this file is compiled:
//   - NVRTC at run time (CudaBlockQuantizer), options --fmad=false --ftz=false --prec-div=true;
//   - nvcc --ptx in the test KernelSourceCompilesTest (a compile check where nvcc is installed);
//   - a C++ host compiler with QS_HOST_EMULATION defined (tests): only the __host__ __device__ functions below,
//     which hold all of the arithmetic and indexing; the __global__ wrappers add only thread coordinates, a
//     warp max-reduction and a shared-memory copy of the threshold table.
// The file is ASCII-only, so that all three see the same bytes.
//
// Kernel parameter convention: every parameter is 64 bits wide (a device pointer or a long long), so the
// host side passes each one as an 8-byte slot and no width can be mismatched.
//
// Modes (StorageMode): 0 FULL, 1 DIAG_REAL, 2 STRICTLY_LOWER. Layouts (BlockLayout.Kind): 0 row segments,
// 1 tiles. B is the block size (power of two, 32..2048). bits is 3, 4 or 8.

#if defined(QS_HOST_EMULATION)
#include <string.h>
#define QS_HD
#define QS_MUL(a, b) ((a) * (b))          /* host: compile with -ffp-contract=off (SSE fp32, no FMA) */
#define QS_RCP(n) (1.0f / (n))
static inline unsigned int qs_f2u(float x) { unsigned int u; memcpy(&u, &x, 4); return u; }
static inline float qs_u2f(unsigned int u) { float x; memcpy(&x, &u, 4); return x; }
#define QS_ATOMIC_OR(p, v) (*(p) |= (v))
#else
#define QS_HD __host__ __device__
#define QS_MUL(a, b) __fmul_rn((a), (b))   /* never contracted into an FMA */
#define QS_RCP(n) __fdiv_rn(1.0f, (n))     /* IEEE round-to-nearest division */
#define qs_f2u(x) __float_as_uint(x)
#define qs_u2f(u) __uint_as_float(u)
#define QS_ATOMIC_OR(p, v) atomicOr((p), (v))
#endif

typedef long long qs_i64;
typedef unsigned long long qs_u64;
typedef unsigned int qs_u32;

#define QS_FULL 0
#define QS_DIAG_REAL 1
#define QS_STRICTLY_LOWER 2
#define QS_INF_BITS 0x7f800000u
#define QS_ABS_MASK 0x7fffffffu

// ------------------------------------------------------------------------------------------ index helpers

/** floor(sqrt(x)) for 0 <= x < 2^62, by bisection (integer multiplies only: no division, no library). */
QS_HD static qs_i64 qs_isqrt(qs_i64 x) {
    qs_i64 lo = 0, hi = 3037000500LL; /* hi^2 > 2^63 - 1 > x */
    while (hi - lo > 1) {
        qs_i64 mid = lo + ((hi - lo) >> 1);
        if (mid * mid <= x) { lo = mid; } else { hi = mid; }
    }
    return lo;
}

/** log2 of the power of two B. */
QS_HD static qs_i64 qs_log2(qs_i64 B) {
    qs_i64 lb = 0;
    while ((1LL << lb) < B) { lb++; }
    return lb;
}

/** Row of element number t of the strictly-lower row-major order: the i with i(i-1)/2 <= t < i(i+1)/2. */
QS_HD static qs_i64 qs_triangle_row(qs_i64 t) {
    qs_i64 i = (1 + qs_isqrt(1 + 8 * t)) / 2;
    while (i * (i - 1) / 2 > t) { i--; }
    while ((i + 1) * i / 2 <= t) { i++; }
    return i;
}

/** Tile row I of lower tile number w (tiles (I, J), J <= I, numbered I(I+1)/2 + J). */
QS_HD static qs_i64 qs_tile_row(qs_i64 w) {
    qs_i64 r = (qs_isqrt(8 * w + 1) - 1) / 2;
    while (r * (r + 1) / 2 > w) { r--; }
    while ((r + 1) * (r + 2) / 2 <= w) { r++; }
    return r;
}

/**
 * Scale index of stored element (i, j); for STRICTLY_LOWER j < i and t is its number in the triangle order.
 * lb = log2(B), perRow = ceil(cols / B). Shifts only: B is a power of two.
 */
QS_HD static qs_i64 qs_block_of(qs_i64 mode, qs_i64 tiles, qs_i64 lb, qs_i64 perRow, qs_i64 i, qs_i64 j, qs_i64 t) {
    if (mode == QS_STRICTLY_LOWER) {
        if (!tiles) { return t >> lb; }
        qs_i64 ti = i >> lb;
        return ti * (ti + 1) / 2 + (j >> lb);
    }
    return tiles ? (i >> lb) * perRow + (j >> lb) : i * perRow + (j >> lb);
}

/** Code of xbar: #{k : xbar > thresholds[k]} by the same binary search as CodeTable.encode (NaN -> 0). */
QS_HD static qs_u32 qs_encode_value(const float* thresholds, qs_i64 size, float xbar) {
    qs_i64 lo = 0, hi = size - 1;
    while (lo < hi) {
        qs_i64 mid = (lo + hi) / 2;
        if (xbar > thresholds[mid]) { lo = mid + 1; } else { hi = mid; }
    }
    return (qs_u32) lo;
}

/** Code k of a packed bit stream of codeBytes bytes (PackedCodes order). */
QS_HD static qs_u32 qs_get_code(const unsigned char* codes, qs_i64 codeBytes, qs_i64 bits, qs_i64 k) {
    qs_i64 s = bits * k;
    qs_i64 byte = s >> 3;
    qs_u32 w = codes[byte];
    if (byte + 1 < codeBytes) { w |= ((qs_u32) codes[byte + 1]) << 8; }
    return (w >> (s & 7)) & ((1u << bits) - 1u);
}

// ------------------------------------------------------------------------------------------ per-thread bodies

/** Diagonal element i (DIAG_REAL, STRICTLY_LOWER): stored in fp32 as it is; a non-finite one sets flag bit 0. */
QS_HD static void qs_diagonal_body(qs_i64 i, const float* src, qs_i64 n, float* diag, qs_u32* flag) {
    if (i >= n) { return; }
    float x = src[i * n + i];
    diag[i] = x;
    if ((qs_f2u(x) & QS_ABS_MASK) >= QS_INF_BITS) { QS_ATOMIC_OR(flag, 1u); }
}

/**
 * Max of |x| as fp32 bit patterns (sign cleared) over the elements of block w that lane `lane` of `lanes` reads;
 * non-finite patterns are larger than every finite one. A row-segment block is one row run, a lane reading
 * columns lane, lane + lanes, ...; a tile is read row by row the same way; a strictly-lower run of B is read as
 * elements t0 + lane, t0 + lane + lanes, ... of the triangle order.
 */
QS_HD static qs_u32 qs_absmax_lane(qs_i64 w, qs_i64 lane, qs_i64 lanes, const float* src, qs_i64 rows, qs_i64 cols,
                                   qs_i64 mode, qs_i64 tiles, qs_i64 B) {
    qs_u32 m = 0;
    if (mode == QS_STRICTLY_LOWER && !tiles) {
        /* runs of B over the strictly-lower row-major sequence; they cross rows */
        qs_i64 total = rows * (rows - 1) / 2;
        qs_i64 t0 = w * B;
        qs_i64 t1 = t0 + B < total ? t0 + B : total;
        qs_i64 t = t0 + lane;
        if (t >= t1) { return 0; }
        qs_i64 i = qs_triangle_row(t);
        qs_i64 j = t - i * (i - 1) / 2;
        for (; t < t1; t += lanes) {
            qs_u32 b = qs_f2u(src[i * cols + j]) & QS_ABS_MASK;
            m = b > m ? b : m;
            j += lanes;
            while (j >= i) { j -= i; i++; }
        }
        return m;
    }
    qs_i64 lb = qs_log2(B);
    qs_i64 perRow = (cols + B - 1) >> lb;
    qs_i64 r0, c0, h;
    if (mode == QS_STRICTLY_LOWER) {
        /* lower tile (I, J), I >= J: its elements with j < i */
        qs_i64 I = qs_tile_row(w);
        qs_i64 J = w - I * (I + 1) / 2;
        r0 = I << lb;
        c0 = J << lb;
        h = rows - r0 < B ? rows - r0 : B;
    } else if (tiles) {
        r0 = (w / perRow) << lb;
        c0 = (w % perRow) << lb;
        h = rows - r0 < B ? rows - r0 : B;
    } else {
        r0 = w / perRow;
        c0 = (w % perRow) << lb;
        h = 1;
    }
    qs_i64 wd = cols - c0 < B ? cols - c0 : B;
    for (qs_i64 i = r0; i < r0 + h; i++) {
        qs_i64 end = c0 + wd;
        if (mode == QS_STRICTLY_LOWER && end > i) { end = i; }
        for (qs_i64 j = c0 + lane; j < end; j += lanes) {
            if (mode == QS_DIAG_REAL && i == j) { continue; }   /* the diagonal counts as 0 */
            qs_u32 b = qs_f2u(src[i * cols + j]) & QS_ABS_MASK;
            m = b > m ? b : m;
        }
    }
    return m;
}

/** Block w's result from its absmax bits m: N and 1/N (0 when N = 0); a non-finite block sets flag bit 0. */
QS_HD static void qs_absmax_finish(qs_i64 w, qs_u32 m, float* scales, float* recip, qs_u32* flag) {
    if (m >= QS_INF_BITS) {
        QS_ATOMIC_OR(flag, 1u);
        scales[w] = 0.0f;
        recip[w] = 0.0f;
        return;
    }
    float n = qs_u2f(m);
    scales[w] = n;
    recip[w] = n > 0.0f ? QS_RCP(n) : 0.0f;
}

/**
 * Codes 8g ... 8g + 7 (fewer at the end), written as the `bits` bytes g*bits ... g*bits + bits - 1 of the stream
 * (8 codes of b bits are exactly b bytes). Padding bits after the last code are 0.
 */
QS_HD static void qs_encode_body(qs_i64 g, const float* src, qs_i64 rows, qs_i64 cols, qs_i64 mode, qs_i64 tiles,
                                 qs_i64 B, qs_i64 bits, qs_i64 total, qs_i64 codeBytes, const float* recip,
                                 const float* thresholds, qs_i64 tableSize, unsigned char* codes) {
    qs_i64 s = 8 * g;
    if (s >= total) { return; }
    qs_i64 lb = qs_log2(B);
    qs_i64 perRow = (cols + B - 1) >> lb;
    qs_i64 i, j;
    if (mode == QS_STRICTLY_LOWER) {
        i = qs_triangle_row(s);
        j = s - i * (i - 1) / 2;
    } else {
        /* s < rows*cols < 2^31: a 32-bit division */
        i = (qs_i64) ((unsigned int) s / (unsigned int) cols);
        j = s - i * cols;
    }
    qs_u64 acc = 0;
    for (qs_i64 k = 0; k < 8 && s + k < total; k++) {
        qs_i64 blk = qs_block_of(mode, tiles, lb, perRow, i, j, s + k);
        /* DIAG_REAL: the diagonal slot holds the code of 0*scale (NaN when scale = +inf -> code 0) */
        float x = (mode == QS_DIAG_REAL && i == j) ? 0.0f : src[i * cols + j];
        float xbar = QS_MUL(x, recip[blk]);
        acc |= ((qs_u64) qs_encode_value(thresholds, tableSize, xbar)) << (bits * k);
        j++;
        if (mode == QS_STRICTLY_LOWER) {
            if (j == i) { i++; j = 0; }
        } else if (j == cols) {
            i++; j = 0;
        }
    }
    for (qs_i64 q = 0; q < bits; q++) {
        qs_i64 at = g * bits + q;
        if (at < codeBytes) { codes[at] = (unsigned char) (acc >> (8 * q)); }
    }
}

/** Element e = i*cols + j of D(codes): M(code)*N, the fp32 diagonal, or 0 above a STRICTLY_LOWER diagonal. */
QS_HD static void qs_decode_body(qs_i64 e, const unsigned char* codes, qs_i64 codeBytes, const float* scales,
                                 const float* diag, qs_i64 rows, qs_i64 cols, qs_i64 mode, qs_i64 tiles, qs_i64 B,
                                 qs_i64 bits, const float* values, float* out) {
    if (e >= rows * cols) { return; }
    qs_i64 lb = qs_log2(B);
    qs_i64 perRow = (cols + B - 1) >> lb;
    /* e < rows*cols < 2^31: a 32-bit division */
    qs_i64 i = (qs_i64) ((unsigned int) e / (unsigned int) cols);
    qs_i64 j = e - i * cols;
    float y;
    if (mode == QS_STRICTLY_LOWER) {
        if (j > i) {
            y = 0.0f;
        } else if (j == i) {
            y = diag[i];
        } else {
            qs_i64 t = i * (i - 1) / 2 + j;
            y = QS_MUL(values[qs_get_code(codes, codeBytes, bits, t)], scales[qs_block_of(mode, tiles, lb, perRow, i, j, t)]);
        }
    } else if (mode == QS_DIAG_REAL && i == j) {
        y = diag[i];
    } else {
        y = QS_MUL(values[qs_get_code(codes, codeBytes, bits, e)], scales[qs_block_of(mode, tiles, lb, perRow, i, j, e)]);
    }
    out[e] = y;
}

// ------------------------------------------------------------------------------------------ kernels

#if !defined(QS_HOST_EMULATION)

#define QS_TID ((qs_i64) blockIdx.x * (qs_i64) blockDim.x + (qs_i64) threadIdx.x)

/** One thread per diagonal element i < n. */
extern "C" __global__ void qs_diagonal(const float* src, qs_i64 n, float* diag, qs_u32* flag) {
    qs_diagonal_body(QS_TID, src, n, diag, flag);
}

/** One warp per block w < blocks (blockDim.x a multiple of 32, so a warp is never split by the bound). */
extern "C" __global__ void qs_absmax(const float* src, qs_i64 rows, qs_i64 cols, qs_i64 mode, qs_i64 tiles, qs_i64 B,
                                     qs_i64 blocks, float* scales, float* recip, qs_u32* flag) {
    qs_i64 w = QS_TID / 32;
    qs_i64 lane = threadIdx.x & 31;
    if (w >= blocks) { return; }   /* uniform across the warp */
    qs_u32 m = qs_absmax_lane(w, lane, 32, src, rows, cols, mode, tiles, B);
    for (int d = 16; d > 0; d >>= 1) {
        qs_u32 o = __shfl_xor_sync(0xffffffffu, m, d);
        m = o > m ? o : m;
    }
    if (lane == 0) { qs_absmax_finish(w, m, scales, recip, flag); }
}

/** One thread per group g of 8 codes, g < ceil(total / 8); the threshold table is copied to shared memory. */
extern "C" __global__ void qs_encode(const float* src, qs_i64 rows, qs_i64 cols, qs_i64 mode, qs_i64 tiles, qs_i64 B,
                                     qs_i64 bits, qs_i64 total, qs_i64 codeBytes, const float* recip,
                                     const float* thresholds, qs_i64 tableSize, unsigned char* codes) {
    __shared__ float table[256];
    for (qs_i64 k = threadIdx.x; k < tableSize; k += blockDim.x) { table[k] = thresholds[k]; }
    __syncthreads();
    qs_encode_body(QS_TID, src, rows, cols, mode, tiles, B, bits, total, codeBytes, recip, table, tableSize, codes);
}

/** One thread per output element e < rows*cols. */
extern "C" __global__ void qs_decode(const unsigned char* codes, qs_i64 codeBytes, const float* scales, const float* diag,
                                     qs_i64 rows, qs_i64 cols, qs_i64 mode, qs_i64 tiles, qs_i64 B, qs_i64 bits,
                                     const float* values, float* out) {
    qs_decode_body(QS_TID, codes, codeBytes, scales, diag, rows, cols, mode, tiles, B, bits, values, out);
}

#endif
