package io.qshampoo.quant;

/**
 * fp32 {@code linspace} computed exactly the way PyTorch's CPU kernel does, so that code tables built
 * from it have the official kernels' bit patterns.
 *
 * <p>With {@code step = (end − start) / (steps − 1)} in fp32, entry j is {@code start + step·j} for
 * j &lt; steps/2 and {@code end − step·(steps − 1 − j)} otherwise, each product and sum rounded to fp32
 * (Java float arithmetic is IEEE 754 binary32 with no fused multiply-add). The two-sided formula makes
 * {@code linspace(−a, a, n)} exactly antisymmetric and both end points exact.
 */
final class TorchLinspace {

    private TorchLinspace() {
    }

    /**
     * The fp32 linspace of [start, end] with {@code steps ≥ 2} points.
     *
     * <p>Cost: O(steps).
     */
    static float[] linspace(float start, float end, int steps) {
        if (steps < 2) {
            throw new IllegalArgumentException("linspace needs at least 2 steps, got " + steps);
        }
        float step = (end - start) / (float) (steps - 1);
        int halfway = steps / 2;
        float[] out = new float[steps];
        for (int j = 0; j < steps; j++) {
            out[j] = j < halfway ? start + step * (float) j : end - step * (float) (steps - 1 - j);
        }
        return out;
    }
}
