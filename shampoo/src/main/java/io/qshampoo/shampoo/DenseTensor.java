package io.qshampoo.shampoo;

import java.util.Arrays;

/**
 * A dense tensor of any rank in row-major order, stored in float32 or float64 — a parameter or a
 * gradient. Optimizer arithmetic is done in float64; writing into a float32 tensor rounds to nearest.
 *
 * <p>Invariants: every dimension ≥ 1; {@code size() == product(shape)}; exactly one of the two
 * storage arrays is used. The tensor is mutable and not thread-safe.
 */
public final class DenseTensor {

    /** Storage precision. */
    public enum Precision {
        FLOAT32(4), FLOAT64(8);

        private final int bytes;

        Precision(int bytes) {
            this.bytes = bytes;
        }

        /** Bytes per element. */
        public int bytes() {
            return bytes;
        }
    }

    private final int[] shape;
    private final float[] f32;
    private final double[] f64;

    private DenseTensor(int[] shape, float[] f32, double[] f64) {
        this.shape = shape;
        this.f32 = f32;
        this.f64 = f64;
    }

    /** A zero float32 tensor of the given shape. */
    public static DenseTensor float32(int... shape) {
        return new DenseTensor(checkShape(shape), new float[sizeOf(shape)], null);
    }

    /** A zero float64 tensor of the given shape. */
    public static DenseTensor float64(int... shape) {
        return new DenseTensor(checkShape(shape), null, new double[sizeOf(shape)]);
    }

    /** Wraps (does not copy) row-major float32 data. */
    public static DenseTensor wrap(float[] data, int... shape) {
        checkShape(shape);
        checkLength(data == null ? -1 : data.length, shape);
        return new DenseTensor(shape.clone(), data, null);
    }

    /** Wraps (does not copy) row-major float64 data. */
    public static DenseTensor wrap(double[] data, int... shape) {
        checkShape(shape);
        checkLength(data == null ? -1 : data.length, shape);
        return new DenseTensor(shape.clone(), null, data);
    }

    /** A deep copy. */
    public DenseTensor copy() {
        return new DenseTensor(shape.clone(), f32 == null ? null : f32.clone(), f64 == null ? null : f64.clone());
    }

    public Precision precision() {
        return f32 != null ? Precision.FLOAT32 : Precision.FLOAT64;
    }

    /** A copy of the shape. */
    public int[] shape() {
        return shape.clone();
    }

    /** Size of dimension d. */
    public int dim(int d) {
        return shape[d];
    }

    public int rank() {
        return shape.length;
    }

    public int size() {
        return f32 != null ? f32.length : f64.length;
    }

    /** Element at a row-major flat index. */
    public double get(int flat) {
        return f32 != null ? f32[flat] : f64[flat];
    }

    /** Sets the element at a row-major flat index (rounded to float for float32 storage). */
    public void set(int flat, double value) {
        if (f32 != null) {
            f32[flat] = (float) value;
        } else {
            f64[flat] = value;
        }
    }

    /** The float32 storage, or null for a float64 tensor. */
    public float[] float32Data() {
        return f32;
    }

    /** The float64 storage, or null for a float32 tensor. */
    public double[] float64Data() {
        return f64;
    }

    /** Index of the first non-finite element, or −1. Cost O(size). */
    public int firstNonFinite() {
        if (f32 != null) {
            for (int k = 0; k < f32.length; k++) {
                if (!Float.isFinite(f32[k])) {
                    return k;
                }
            }
        } else {
            for (int k = 0; k < f64.length; k++) {
                if (!Double.isFinite(f64[k])) {
                    return k;
                }
            }
        }
        return -1;
    }

    /**
     * Σ x² in float64: +∞ or NaN when an element is not finite (or, for float64 elements, when the sum overflows).
     * Summed in four interleaved partial sums, (s₀ + s₁) + (s₂ + s₃) with s_j over the indices ≡ j mod 4: the step's
     * validation needs its magnitude (is it finite, is it within fp32's range), not its last bit, and four independent
     * chains of additions take about a quarter of the time of one. (The square of a float32 is exact in float64, so only
     * the additions round: relative error ≤ (n/4 + 2)·u.) Cost O(size).
     */
    double squaredNorm() {
        double s0 = 0;
        double s1 = 0;
        double s2 = 0;
        double s3 = 0;
        int n = size();
        int k = 0;
        if (f32 != null) {
            for (; k + 3 < n; k += 4) {
                double x0 = f32[k];
                double x1 = f32[k + 1];
                double x2 = f32[k + 2];
                double x3 = f32[k + 3];
                s0 += x0 * x0;
                s1 += x1 * x1;
                s2 += x2 * x2;
                s3 += x3 * x3;
            }
            for (; k < n; k++) {
                double x = f32[k];
                s0 += x * x;
            }
        } else {
            for (; k + 3 < n; k += 4) {
                s0 += f64[k] * f64[k];
                s1 += f64[k + 1] * f64[k + 1];
                s2 += f64[k + 2] * f64[k + 2];
                s3 += f64[k + 3] * f64[k + 3];
            }
            for (; k < n; k++) {
                s0 += f64[k] * f64[k];
            }
        }
        return (s0 + s1) + (s2 + s3);
    }

    /**
     * Copies the elements, widened to float64, into {@code dst}. Cost O(size).
     *
     * @throws IllegalArgumentException if {@code dst} is shorter than {@link #size()}
     */
    public void copyTo(double[] dst) {
        if (dst.length < size()) {
            throw new IllegalArgumentException("copyTo: destination has " + dst.length + " elements; expected at least "
                    + size());
        }
        if (f32 != null) {
            for (int k = 0; k < f32.length; k++) {
                dst[k] = f32[k];
            }
        } else {
            System.arraycopy(f64, 0, dst, 0, f64.length);
        }
    }

    /** Row-major multi-index of a flat index, for messages. */
    public String indexString(int flat) {
        int[] idx = new int[shape.length];
        for (int d = shape.length - 1; d >= 0; d--) {
            idx[d] = flat % shape[d];
            flat /= shape[d];
        }
        return Arrays.toString(idx);
    }

    /** "[d0, d1, …]". */
    public String shapeString() {
        return Arrays.toString(shape);
    }

    private static int[] checkShape(int[] shape) {
        if (shape == null) {
            throw new IllegalArgumentException("shape is null; expected dimensions >= 1");
        }
        long size = 1;
        for (int d : shape) {
            if (d < 1) {
                throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " has a dimension < 1; expected every dimension >= 1");
            }
            size *= d;
            if (size > Integer.MAX_VALUE - 8) {
                throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " has more than 2^31 - 9 elements; expected a Java-array-sized tensor");
            }
        }
        return shape.clone();
    }

    private static int sizeOf(int[] shape) {
        int size = 1;
        for (int d : shape) {
            size *= d;
        }
        return size;
    }

    private static void checkLength(int length, int[] shape) {
        int expected = sizeOf(shape);
        if (length != expected) {
            throw new IllegalArgumentException("data has " + (length < 0 ? "no array" : length + " elements") + "; shape "
                    + Arrays.toString(shape) + " expects " + expected);
        }
    }
}
