package io.qshampoo.shampoo;

/**
 * AdaGrad's accumulated squares (Duchi, Hazan &amp; Singer 2011), per element, stored in float32 — the one
 * implementation behind the base optimizer {@link AdaGrad} and the grafting direction {@link DiagonalAdaGrad}:
 * <pre>  s ← s + d²,   step = d/(√s + ε)  </pre>
 * s rounded to float32 when stored and used as stored. Cost O(1) per element; state 4 bytes per element.
 */
final class AdaGradSum {

    private final double eps;
    final float[] s;

    AdaGradSum(double eps, int size, float initial) {
        this.eps = eps;
        this.s = new float[size];
        java.util.Arrays.fill(s, initial);
    }

    /** Adds d² to element k and returns d/(√s + ε) with the stored s. */
    double step(int k, double d) {
        float sk = (float) (s[k] + d * d);
        s[k] = sk;
        return d / (Math.sqrt(sk) + eps);
    }

    StateBytes stateBytes() {
        return StateBytes.of(StateKind.SECOND_MOMENT, 4L * s.length);
    }
}
