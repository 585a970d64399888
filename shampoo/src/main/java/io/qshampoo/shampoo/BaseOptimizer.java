package io.qshampoo.shampoo;

/**
 * A first-order base optimizer 𝓕: the rule {@code W_k, s_k = 𝓕(W_{k−1}, s_{k−1}, D_k)} that Shampoo feeds
 * with the preconditioned, grafted direction D in place of the gradient (Li et al. 2025, Algorithm 1,
 * line 16).
 *
 * <p>Implementations are immutable records of hyper-parameters with PyTorch's {@code torch.optim}
 * defaults, validated when constructed; the learning rate is not among them (it is passed to every
 * {@link ParameterUpdate#apply} call, so schedules live outside). The mutable per-parameter state
 * (momentum and second-moment buffers) lives in the {@link ParameterUpdate} that {@link #newState}
 * builds.
 */
public interface BaseOptimizer {

    /**
     * Fresh state (zero buffers, or the method's documented initial values) for one parameter.
     *
     * @param size the parameter's number of elements, ≥ 1
     * @throws IllegalArgumentException if size &lt; 1
     */
    ParameterUpdate newState(int size);
}
