package io.qshampoo.shampoo;

/**
 * A diagonal (element-wise) preconditioning method: the direction that grafting takes its norm from
 * (Agarwal et al. 2020), and the fallback for tensors of rank ≤ 1, which Shampoo does not precondition
 * with Kronecker factors. Implementations are immutable records of hyper-parameters, validated when
 * constructed; {@link #newState} builds the mutable per-block state.
 */
public interface DiagonalMethod {

    /**
     * Fresh state for a block of {@code size} elements.
     *
     * @throws IllegalArgumentException if size &lt; 1
     */
    DiagonalState newState(int size);
}
