package io.qshampoo.shampoo;

/**
 * Adam's moment estimates (Kingma &amp; Ba 2015), per element, stored in float32 — the one implementation behind the
 * base optimizer {@link AdamW} and the grafting direction {@link DiagonalAdam}:
 * <pre>
 *   m ← β1·m + (1 − β1)·g,    v ← β2·v + (1 − β2)·g²
 * </pre>
 * both rounded to float32 when stored and used as stored. Without a first-moment buffer (DiagonalAdam with β1 = 0)
 * m is g itself, unrounded. Cost O(1) per element; state 4 or 8 bytes per element.
 */
final class AdamMoments {

    private final double beta1;
    private final double beta2;
    /** m, or null when there is no first-moment buffer. */
    final float[] m;
    final float[] v;

    AdamMoments(double beta1, double beta2, int size, boolean firstMoment) {
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.m = firstMoment ? new float[size] : null;
        this.v = new float[size];
    }

    /** Updates element k with g; returns the (stored) first moment. Read {@code v[k]} for the second. */
    double update(int k, double g) {
        v[k] = (float) (beta2 * v[k] + (1 - beta2) * (g * g));
        if (m == null) {
            return g;
        }
        float mk = (float) (beta1 * m[k] + (1 - beta1) * g);
        m[k] = mk;
        return mk;
    }

    /** Bytes of the state: v as second moment, m (if kept) as momentum. */
    StateBytes stateBytes() {
        StateBytes bytes = StateBytes.of(StateKind.SECOND_MOMENT, 4L * v.length);
        return m == null ? bytes : bytes.plus(StateKind.MOMENTUM, 4L * m.length);
    }
}
