package io.qshampoo.shampoo;

/**
 * The state of a {@link BaseOptimizer} for one parameter, and the step that uses it.
 *
 * <p>Buffers are stored as float32 ({@code float[]}), as a GPU implementation stores them; every
 * step reads them into double, computes in double and rounds the new buffer value to float32 when it
 * stores it, then uses the stored (rounded) value in the rest of the step. The new parameter value
 * is computed in double and rounded once, when written into a float32 parameter. PyTorch on float32
 * tensors computes in float32 (and AdamW rounds after its decay as well), so results agree with it to
 * float32 rounding, not bit for bit.
 */
public interface ParameterUpdate extends Stateful {

    /**
     * One step {@code W ← 𝓕(W, s, D)}, in place on {@code param} and on this state.
     *
     * @param param        the parameter W; its size must be the one this state was built for
     * @param direction    D, one value per element of W in row-major order; not modified
     * @param step         the 1-based step number (bias corrections use it)
     * @param learningRate γ, finite and ≥ 0
     * @throws IllegalArgumentException if a length or size does not match, {@code step < 1}, or the
     *                                  learning rate is negative or not finite
     */
    void apply(DenseTensor param, double[] direction, long step, double learningRate);
}
