package io.qshampoo.quant;

import java.util.SplittableRandom;

/**
 * A random quantization scenario derived from one seed: shape, mode, table, layout and a matrix from one
 * of several value distributions (Gaussian at a random scale, many zeros, rows that hit fp32 midpoints
 * exactly, wide dynamic range, small integers, whole zero rows). All values are finite and every non-zero
 * block absmax lies in [2^-100, 2^100], so 1/N is a normal float (the regime in which the error bound
 * holds). {@link #toString()} names everything a failing property needs to be reproduced.
 */
record QuantCase(long seed, int rows, int cols, StorageMode mode, Mapping mapping, int bits, BlockLayout layout,
                 int flavor, float[] x) {

    static final int FLAVORS = 6;

    static QuantCase of(long seed, int maxDim) {
        SplittableRandom r = new SplittableRandom(seed);
        StorageMode mode = StorageMode.values()[r.nextInt(3)];
        int rows = 1 + r.nextInt(maxDim);
        int cols = mode == StorageMode.FULL ? 1 + r.nextInt(maxDim) : rows;
        Mapping mapping = Mapping.values()[r.nextInt(3)];
        int bits = new int[] {3, 4, 8}[r.nextInt(3)];
        int b = new int[] {32, 32, 64, 128}[r.nextInt(4)];
        BlockLayout layout = r.nextBoolean() ? BlockLayout.rowSegments(b) : BlockLayout.tiles(b);
        int flavor = r.nextInt(FLAVORS);
        float[] x = matrix(r, rows, cols, flavor, CodeTable.of(mapping, bits));
        return new QuantCase(seed, rows, cols, mode, mapping, bits, layout, flavor, x);
    }

    static float[] matrix(SplittableRandom r, int rows, int cols, int flavor, CodeTable table) {
        float[] x = new float[rows * cols];
        float scale = (float) Math.scalb(1.0, r.nextInt(-90, 90));
        float[] mids = table.midpoints();
        for (int k = 0; k < x.length; k++) {
            switch (flavor) {
                case 0:
                    x[k] = (float) r.nextGaussian() * scale;
                    break;
                case 1:
                    x[k] = r.nextInt(4) == 0 ? (float) r.nextGaussian() * scale : 0f;
                    break;
                case 2:
                    // every element is ±1 or a fp32 midpoint; with a ±1 in each block, x̄ = x exactly
                    x[k] = r.nextInt(5) == 0 ? (r.nextBoolean() ? 1f : -1f) : mids[r.nextInt(mids.length)];
                    break;
                case 3:
                    x[k] = (float) Math.scalb(r.nextDouble() + 0.5, r.nextInt(-90, 90)) * (r.nextBoolean() ? 1 : -1);
                    break;
                case 4:
                    x[k] = r.nextInt(-3, 4);
                    break;
                default:
                    x[k] = (k / cols) % 3 == 1 ? 0f : (float) r.nextGaussian() * scale;
            }
        }
        if (flavor == 2) {
            // make ±1 appear in every row segment and tile of any block size ≥ 32: put one at every 32nd column
            // of every row (so |x̄| ≤ 1 with N = 1 exactly, and the midpoints are hit with scale 1)
            for (int i = 0; i < rows; i++) {
                for (int j = 0; j < cols; j += 32) {
                    x[i * cols + j] = r.nextBoolean() ? 1f : -1f;
                }
            }
        }
        return x;
    }

    CodeTable table() {
        return CodeTable.of(mapping, bits);
    }

    QuantizationConfig config() {
        return new QuantizationConfig(mapping, bits, layout, 0);
    }

    @Override
    public String toString() {
        return "QuantCase[seed=" + seed + ", " + rows + "×" + cols + ", " + mode + ", " + mapping + "/" + bits + "-bit, "
                + layout + ", flavor " + flavor + "]";
    }
}
