package io.qshampoo.shampoo;

/** The kinds of optimizer state that {@link StateBytes} accounts for. */
public enum StateKind {
    /** Packed low-bit codes of quantized matrices. */
    CODES,
    /** fp32 block scales (absmax) of quantized matrices. */
    SCALES,
    /** fp32 diagonals kept beside quantized matrices (DiagReal, Cholesky factors). */
    KEPT_DIAGONALS,
    /** Matrices and vectors of the preconditioners stored in fp32 (32-bit Shampoo states, eigenvalues, sketches). */
    FP32_STATES,
    /** Matrices kept exactly in float64 (bits = 64: the experiments' unquantized reference, not a GPU format). */
    FP64_STATES,
    /** First-moment (momentum) buffers of the base optimizer and of grafting. */
    MOMENTUM,
    /** Second-moment (AdaGrad / Adam / RMSprop) accumulators of the base optimizer and of grafting. */
    SECOND_MOMENT,
    /** Scalars: step counters, escaped masses, failure counters. */
    SCALARS
}
