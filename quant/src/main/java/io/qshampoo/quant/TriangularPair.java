package io.qshampoo.quant;

import java.util.Objects;

/**
 * One n × n code matrix holding two strictly-lower-triangular quantized matrices (Li et al. Fig. 2, §4.3):
 * the Cholesky factor C in the strictly lower triangle and the error-feedback state E, transposed, in the
 * strictly upper triangle. Because C's diagonal is kept in fp32 and E's diagonal is 0 (Li §4.3: quantization
 * excludes the diagonal, so E is strictly lower), the pair costs what one DIAG_REAL n × n matrix costs, up to
 * the scale count (exactly: see Size).
 *
 * <h2>Layout</h2>
 * <ul>
 *   <li>Codes: n·n codes in the physical matrix's row-major order, packed as in {@link PackedCodes}
 *       (the same buffer shape as a DIAG_REAL matrix). C(i, j), i &gt; j, is at physical (i, j); E(i, j),
 *       i &gt; j, at physical (j, i). The n diagonal slots are unused and hold code 0.</li>
 *   <li>Blocks: each half is blocked on its own, exactly as {@link StorageMode#STRICTLY_LOWER} blocks a
 *       strictly-lower matrix (see {@link BlockLayout}): with row segments, runs of B over C(1,0), C(2,0),
 *       C(2,1), … and, separately, over E(1,0), E(2,0), E(2,1), … (E's own row-major order, i.e. the upper
 *       triangle read column by column); with tiles, the lower tiles of C and of E. So C's codes and scales
 *       equal those of {@code QuantizedMatrix.quantize(C, n, n, STRICTLY_LOWER, config)}, E's likewise, and a
 *       half can be rewritten without touching the other's codes or scales.</li>
 *   <li>fp32: C's diagonal (n floats). E's diagonal is not stored (it reads as 0).</li>
 * </ul>
 *
 * <h2>Size</h2>
 * codes ceil(b·n²/8) + scales 4·2·K + diagonal 4n, K = {@code layout.blockCount(STRICTLY_LOWER, n, n)}.
 * One DIAG_REAL n × n matrix has the same codes and diagonal and 4·K' scale bytes, K' =
 * {@code blockCount(DIAG_REAL, n, n)}. Row segments: 2·ceil(n(n−1)/2B) ≤ n·ceil(n/B) for every n, so the pair
 * is never larger (for n = 4096, B = 64: 262 080 vs 262 144 scales). Tiles: 2·T(T+1)/2 = T² + T vs T²,
 * T = ceil(n/B): the pair is 4T bytes larger (the diagonal tiles carry one scale per half).
 * Below {@code minElements} (n² &lt; minElements) the pair is one fp32 n × n matrix laid out the same way
 * (C with its diagonal in the lower triangle, Eᵀ above): 4n² bytes.
 *
 * <p>Mutable and not thread-safe: {@link #writeFactor} and {@link #writeError} replace one half each; a write
 * that fails (non-finite input) leaves the pair unchanged.
 */
public final class TriangularPair {

    private final int n;
    private final QuantizationConfig config;
    private final BlockQuantizer quantizer;
    private final int bits;
    private final int lowerCount;
    private final byte[] codes;
    private final float[] factorScales;
    private final float[] errorScales;
    private final float[] factorDiagonal;
    private final float[] fp32;

    private TriangularPair(int n, QuantizationConfig config, BlockQuantizer quantizer) {
        this.n = n;
        this.config = config;
        this.quantizer = quantizer;
        this.bits = config.bits();
        this.lowerCount = Math.toIntExact(StorageMode.STRICTLY_LOWER.codeCount(n, n));
        if (config.quantizes(n, n)) {
            int k = config.layout().blockCount(StorageMode.STRICTLY_LOWER, n, n);
            codes = new byte[PackedCodes.byteLength(bits, n * n)];
            factorScales = new float[k];
            errorScales = new float[k];
            factorDiagonal = new float[n];
            fp32 = null;
        } else {
            codes = null;
            factorScales = null;
            errorScales = null;
            factorDiagonal = null;
            fp32 = new float[n * n];
        }
    }

    /** C = 0 and E = 0 (Li Alg. 1 starts from Ē₀ = 0; write C̄₀ = √ε·I with {@link #writeFactor}). */
    public static TriangularPair zeros(int n, QuantizationConfig config) {
        return zeros(n, config, null);
    }

    /**
     * As {@link #zeros(int, QuantizationConfig)}, quantizing with {@code quantizer} (null: {@code config.quantizer()}).
     *
     * @throws IllegalArgumentException if n &lt; 1 or the quantizer does not match the config
     */
    public static TriangularPair zeros(int n, QuantizationConfig config, BlockQuantizer quantizer) {
        Objects.requireNonNull(config, "config");
        QuantizerChecks.shape(n, n, StorageMode.STRICTLY_LOWER);
        BlockQuantizer q = quantizer == null ? config.quantizer() : quantizer;
        if (!q.table().equals(config.table()) || !q.layout().equals(config.layout())) {
            throw new IllegalArgumentException("quantizer (" + q.table() + ", " + q.layout() + ") does not match config ("
                    + config.table() + ", " + config.layout() + ")");
        }
        TriangularPair p = new TriangularPair(n, config, q);
        float[] zero = new float[n * n];
        p.writeFactor(zero);
        p.writeError(zero);
        return p;
    }

    /**
     * A pair from existing storage (copied), e.g. written by a GPU kernel.
     *
     * @throws IllegalArgumentException if a buffer's length does not match n and the config, a scale is negative or
     *                                  not finite, or a diagonal entry is not finite
     */
    public static TriangularPair fromStorage(int n, QuantizationConfig config, byte[] codes, float[] factorScales,
                                             float[] errorScales, float[] factorDiagonal) {
        return fromStorage(n, config, null, codes, factorScales, errorScales, factorDiagonal);
    }

    /**
     * As {@link #fromStorage(int, QuantizationConfig, byte[], float[], float[], float[])}, later stores quantizing
     * with {@code quantizer} (null: {@code config.quantizer()}).
     */
    public static TriangularPair fromStorage(int n, QuantizationConfig config, BlockQuantizer quantizer, byte[] codes,
                                             float[] factorScales, float[] errorScales, float[] factorDiagonal) {
        Objects.requireNonNull(config, "config");
        QuantizerChecks.shape(n, n, StorageMode.STRICTLY_LOWER);
        TriangularPair p = new TriangularPair(n, config, quantizer == null ? config.quantizer() : quantizer);
        if (p.codes == null) {
            throw new IllegalArgumentException("a " + n + " × " + n + " pair is below minElements = " + config.minElements()
                    + " and is stored in fp32, not as codes");
        }
        String what = config.bits() + "-bit " + n + " × " + n + " triangular pair with " + config.layout() + " blocks";
        if (codes == null || codes.length != p.codes.length) {
            throw new IllegalArgumentException("codes buffer has " + (codes == null ? "no" : codes.length) + " bytes; a "
                    + what + " needs exactly " + p.codes.length);
        }
        if (factorScales == null || factorScales.length != p.factorScales.length) {
            throw new IllegalArgumentException("factor scales buffer has " + (factorScales == null ? "no" : factorScales.length)
                    + " entries; a " + what + " needs exactly " + p.factorScales.length);
        }
        if (errorScales == null || errorScales.length != p.errorScales.length) {
            throw new IllegalArgumentException("error scales buffer has " + (errorScales == null ? "no" : errorScales.length)
                    + " entries; a " + what + " needs exactly " + p.errorScales.length);
        }
        if (factorDiagonal == null || factorDiagonal.length != n) {
            throw new IllegalArgumentException("factor diagonal has " + (factorDiagonal == null ? "no" : factorDiagonal.length)
                    + " entries; a " + what + " needs exactly " + n);
        }
        QuantizerChecks.storedValues(factorScales, factorDiagonal, "factor");
        QuantizerChecks.storedValues(errorScales, null, "error");
        System.arraycopy(codes, 0, p.codes, 0, codes.length);
        System.arraycopy(factorScales, 0, p.factorScales, 0, factorScales.length);
        System.arraycopy(errorScales, 0, p.errorScales, 0, errorScales.length);
        System.arraycopy(factorDiagonal, 0, p.factorDiagonal, 0, n);
        return p;
    }

    // ------------------------------------------------------------------------------------------ writing

    /**
     * C̄ = Q(c): the diagonal and strictly-lower part of the row-major n × n {@code c} (entries above the
     * diagonal are not read). E's half is untouched. Cost: O(n²) plus one n(n−1)/2-code scratch buffer.
     *
     * @throws IllegalArgumentException on a short array or a non-finite element (first one, row-major)
     */
    public void writeFactor(float[] c) {
        write(c, null, true);
    }

    /** As {@link #writeFactor(float[])}, each element rounded to fp32 first. */
    public void writeFactor(double[] c) {
        write(null, c, true);
    }

    /**
     * Ē = Q(e): the strictly-lower part of the row-major n × n {@code e} (its diagonal is read and must be
     * finite but is not stored; entries above it are not read). C's half is untouched.
     */
    public void writeError(float[] e) {
        write(e, null, false);
    }

    /** As {@link #writeError(float[])}, each element rounded to fp32 first. */
    public void writeError(double[] e) {
        write(null, e, false);
    }

    private void write(float[] f, double[] d, boolean factor) {
        int len = f != null ? f.length : Objects.requireNonNull(d, "matrix").length;
        QuantizerChecks.arrayLength(len, n, n, factor ? "factor" : "error state");
        if (fp32 != null) {
            float[] lower = new float[n * n];
            for (int i = 0; i < n; i++) {
                for (int j = 0; j <= i; j++) {
                    float v = f != null ? f[i * n + j] : (float) d[i * n + j];
                    if (!Float.isFinite(v)) {
                        throw f != null ? QuantizerChecks.nonFinite(f, n, n, StorageMode.STRICTLY_LOWER)
                                : QuantizerChecks.nonFinite(d, n, n, StorageMode.STRICTLY_LOWER);
                    }
                    lower[i * n + j] = v;
                }
            }
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < i; j++) {
                    fp32[factor ? i * n + j : j * n + i] = lower[i * n + j];
                }
                if (factor) {
                    fp32[i * n + i] = lower[i * n + i];
                }
            }
            return;
        }
        byte[] dense = new byte[PackedCodes.byteLength(bits, lowerCount)];
        float[] scales = new float[factorScales.length];
        float[] diag = new float[n];
        if (f != null) {
            quantizer.quantize(f, n, n, StorageMode.STRICTLY_LOWER, dense, scales, diag);
        } else {
            quantizer.quantize(d, n, n, StorageMode.STRICTLY_LOWER, dense, scales, diag);
        }
        int t = 0;
        for (int i = 1; i < n; i++) {
            for (int j = 0; j < i; j++) {
                PackedCodes.set(codes, bits, factor ? i * n + j : j * n + i, PackedCodes.get(dense, bits, t++));
            }
        }
        if (factor) {
            System.arraycopy(scales, 0, factorScales, 0, scales.length);
            System.arraycopy(diag, 0, factorDiagonal, 0, n);
        } else {
            System.arraycopy(scales, 0, errorScales, 0, scales.length);
        }
    }

    // ------------------------------------------------------------------------------------------ reading

    /** D(C̄) into the row-major n × n {@code dst}: lower triangle with the fp32 diagonal, zeros above. O(n²). */
    public void readFactorInto(float[] dst) {
        read(dst, null, true);
    }

    /** As {@link #readFactorInto(float[])}, widened to double (e.g. {@code DMatrixRMaj.data}). */
    public void readFactorInto(double[] dst) {
        read(null, dst, true);
    }

    /** D(Ē) into the row-major n × n {@code dst}: strictly lower, zeros on and above the diagonal. O(n²). */
    public void readErrorInto(float[] dst) {
        read(dst, null, false);
    }

    /** As {@link #readErrorInto(float[])}, widened to double. */
    public void readErrorInto(double[] dst) {
        read(null, dst, false);
    }

    private void read(float[] df, double[] dd, boolean factor) {
        int len = df != null ? df.length : Objects.requireNonNull(dd, "dst").length;
        QuantizerChecks.arrayLength(len, n, n, "dst");
        if (fp32 != null) {
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < n; j++) {
                    float v = j > i || (j == i && !factor) ? 0f : fp32[factor ? i * n + j : j * n + i];
                    if (df != null) {
                        df[i * n + j] = v;
                    } else {
                        dd[i * n + j] = v;
                    }
                }
            }
            return;
        }
        byte[] dense = gather(factor);
        float[] scales = factor ? factorScales : errorScales;
        float[] diag = factor ? factorDiagonal : new float[n];
        if (df != null) {
            quantizer.dequantize(dense, scales, diag, n, n, StorageMode.STRICTLY_LOWER, df);
        } else {
            quantizer.dequantize(dense, scales, diag, n, n, StorageMode.STRICTLY_LOWER, dd);
        }
    }

    private byte[] gather(boolean factor) {
        byte[] dense = new byte[PackedCodes.byteLength(bits, lowerCount)];
        int t = 0;
        for (int i = 1; i < n; i++) {
            for (int j = 0; j < i; j++) {
                PackedCodes.set(dense, bits, t++, PackedCodes.get(codes, bits, factor ? i * n + j : j * n + i));
            }
        }
        return dense;
    }

    /** Element (i, j) of D(C̄) (0 above the diagonal), without dequantizing anything else. O(1). */
    public float factor(int i, int j) {
        checkIndex(i, j);
        if (j > i) {
            return 0f;
        }
        if (fp32 != null) {
            return fp32[i * n + j];
        }
        if (i == j) {
            return factorDiagonal[i];
        }
        return config.table().value(PackedCodes.get(codes, bits, i * n + j))
                * factorScales[config.layout().blockOf(StorageMode.STRICTLY_LOWER, n, i, j)];
    }

    /** Element (i, j) of D(Ē) (0 on and above the diagonal). O(1). */
    public float error(int i, int j) {
        checkIndex(i, j);
        if (j >= i) {
            return 0f;
        }
        if (fp32 != null) {
            return fp32[j * n + i];
        }
        return config.table().value(PackedCodes.get(codes, bits, j * n + i))
                * errorScales[config.layout().blockOf(StorageMode.STRICTLY_LOWER, n, i, j)];
    }

    /**
     * The code at physical position (r, c) of the packed n × n code matrix: C(r, c) for r &gt; c, E(c, r) for
     * r &lt; c, and 0 (unused) on the diagonal.
     *
     * @throws IllegalStateException if the pair is kept in fp32
     */
    public int physicalCode(int r, int c) {
        checkIndex(r, c);
        if (codes == null) {
            throw new IllegalStateException("a " + n + " × " + n + " pair below minElements = " + config.minElements()
                    + " is stored in fp32 and has no codes");
        }
        return PackedCodes.get(codes, bits, r * n + c);
    }

    /** C̄ alone, as the STRICTLY_LOWER matrix it equals (a copy). */
    public QuantizedMatrix factor() {
        float[] c = new float[n * n];
        readFactorInto(c);
        return codes == null
                ? QuantizedMatrix.quantize(c, n, n, StorageMode.STRICTLY_LOWER, config)
                : QuantizedMatrix.fromStorage(n, n, StorageMode.STRICTLY_LOWER, config, gather(true), factorScales, factorDiagonal);
    }

    /** Ē alone, as a STRICTLY_LOWER matrix with a zero diagonal (a copy). */
    public QuantizedMatrix error() {
        float[] e = new float[n * n];
        readErrorInto(e);
        return codes == null
                ? QuantizedMatrix.quantize(e, n, n, StorageMode.STRICTLY_LOWER, config)
                : QuantizedMatrix.fromStorage(n, n, StorageMode.STRICTLY_LOWER, config, gather(false), errorScales, new float[n]);
    }

    private void checkIndex(int i, int j) {
        if (i < 0 || i >= n || j < 0 || j >= n) {
            throw new IndexOutOfBoundsException("element [" + i + ", " + j + "] outside a " + n + " × " + n + " pair");
        }
    }

    /** Exact storage: see the class comment. */
    public StorageBytes bytes() {
        if (fp32 != null) {
            return new StorageBytes(0, 0, 0, 4L * fp32.length);
        }
        return new StorageBytes(codes.length, 4L * (factorScales.length + errorScales.length), 4L * n, 0);
    }

    /** Order n. */
    public int n() {
        return n;
    }

    /** Mapping, bits, layout and size threshold. */
    public QuantizationConfig config() {
        return config;
    }

    /** False when n² &lt; minElements and the pair is one fp32 matrix. */
    public boolean isQuantized() {
        return codes != null;
    }

    /** A copy of the packed n × n code matrix; null if kept in fp32. */
    public byte[] packedCodes() {
        return codes == null ? null : codes.clone();
    }

    /** A copy of C̄'s scales; null if kept in fp32. */
    public float[] factorScales() {
        return factorScales == null ? null : factorScales.clone();
    }

    /** A copy of Ē's scales; null if kept in fp32. */
    public float[] errorScales() {
        return errorScales == null ? null : errorScales.clone();
    }

    /** A copy of C's fp32 diagonal; null if kept in fp32 (then it is inside {@link #fp32Values()}). */
    public float[] factorDiagonal() {
        return factorDiagonal == null ? null : factorDiagonal.clone();
    }

    /** A copy of the fp32 n × n matrix (C with diagonal below, Eᵀ above) when n² &lt; minElements; else null. */
    public float[] fp32Values() {
        return fp32 == null ? null : fp32.clone();
    }

    @Override
    public String toString() {
        return "TriangularPair[" + n + " × " + n + ", " + (codes == null ? "fp32" : config.table() + ", " + config.layout())
                + ", " + bytes() + "]";
    }
}
