package io.qshampoo.shampoo;

/**
 * The state of a {@link DiagonalMethod} for one block, and the step that updates it. Accumulators are
 * stored as float32, read into double, and rounded to float32 when stored; the direction is computed
 * in double from the stored (rounded) values.
 */
public interface DiagonalState extends Stateful {

    /**
     * Updates the state with the gradient and writes the method's update direction (not scaled by a
     * learning rate) into {@code out}. {@code out} may be the same array as {@code gradient}.
     *
     * @param gradient the block's gradient, one value per element; not modified (unless it is {@code out})
     * @param out      receives the direction; same length
     * @param step     the 1-based step number (bias corrections use it)
     * @throws IllegalArgumentException if a length does not match the state's size or {@code step < 1}
     */
    void direction(double[] gradient, double[] out, long step);

    /**
     * As {@link #direction}, returning the array that holds the direction: {@code scratch}, or {@code gradient}
     * itself where the direction is the gradient ({@link IdentityDirection}: no copy). The caller reads the
     * direction from the returned array and must not change it.
     *
     * @param scratch receives the direction unless the gradient is returned; same length
     */
    default double[] directionIn(double[] gradient, double[] scratch, long step) {
        direction(gradient, scratch, step);
        return scratch;
    }
}
