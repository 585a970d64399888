package io.qshampoo.shampoo;

/** What a step does with a gradient that holds NaN or ±Inf. State never silently becomes NaN. */
public enum NonFinitePolicy {
    /** Throw an exception naming the parameter, the element and the step; nothing is changed. */
    THROW,
    /** Skip the whole step (no parameter or state changes); {@link ShampooOptimizer#skippedSteps()} counts it. */
    SKIP_STEP
}
