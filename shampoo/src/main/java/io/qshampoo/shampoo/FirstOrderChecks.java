package io.qshampoo.shampoo;

import java.util.Objects;

/**
 * Argument checks shared by the base optimizers and the diagonal methods, so that every class reports
 * a bad value the same way: who refused it, what was found, what was expected.
 */
final class FirstOrderChecks {

    private FirstOrderChecks() {
    }

    /** Requires a finite value in [0, 1). */
    static void unitInterval(String owner, String name, double value) {
        if (!(value >= 0 && value < 1)) {
            throw new IllegalArgumentException(owner + ": " + name + " is " + value + "; expected 0 <= " + name + " < 1");
        }
    }

    /** Requires a finite value ≥ 0. */
    static void nonNegative(String owner, String name, double value) {
        if (!(value >= 0 && value < Double.POSITIVE_INFINITY)) {
            throw new IllegalArgumentException(owner + ": " + name + " is " + value + "; expected a finite value >= 0");
        }
    }

    /** Requires a finite value &gt; 0. */
    static void positive(String owner, String name, double value) {
        if (!(value > 0 && value < Double.POSITIVE_INFINITY)) {
            throw new IllegalArgumentException(owner + ": " + name + " is " + value + "; expected a finite value > 0");
        }
    }

    /** Requires a state size ≥ 1. */
    static int size(String owner, int size) {
        if (size < 1) {
            throw new IllegalArgumentException(owner + ": state size is " + size + "; expected >= 1 (a parameter has at least one element)");
        }
        return size;
    }

    /** Checks the arguments of {@link ParameterUpdate#apply} against a state of {@code size} elements. */
    static void apply(String owner, int size, DenseTensor param, double[] direction, long step, double learningRate) {
        Objects.requireNonNull(param, "param");
        Objects.requireNonNull(direction, "direction");
        if (param.size() != size) {
            throw new IllegalArgumentException(owner + ": parameter " + param.shapeString() + " has " + param.size()
                    + " elements; this state was built for " + size);
        }
        if (direction.length != size) {
            throw new IllegalArgumentException(owner + ": direction has " + direction.length + " elements; expected "
                    + size + " (the parameter's size)");
        }
        step(owner, step);
        if (!(learningRate >= 0 && learningRate < Double.POSITIVE_INFINITY)) {
            throw new IllegalArgumentException(owner + ": learningRate is " + learningRate + "; expected a finite value >= 0");
        }
    }

    /** Checks the arguments of {@link DiagonalState#direction} against a state of {@code size} elements. */
    static void direction(String owner, int size, double[] gradient, double[] out, long step) {
        Objects.requireNonNull(gradient, "gradient");
        Objects.requireNonNull(out, "out");
        if (gradient.length != size) {
            throw new IllegalArgumentException(owner + ": gradient has " + gradient.length + " elements; expected " + size
                    + " (the state's size)");
        }
        if (out.length != size) {
            throw new IllegalArgumentException(owner + ": out has " + out.length + " elements; expected " + size
                    + " (the state's size)");
        }
        step(owner, step);
    }

    private static void step(String owner, long step) {
        if (step < 1) {
            throw new IllegalArgumentException(owner + ": step is " + step + "; expected >= 1 (steps are 1-based)");
        }
    }

    /**
     * Reads a float32 second-moment record and requires every element ≥ 0 (a sum or average of
     * squares): a negative or NaN value would make the next square root NaN, so it is refused here.
     */
    static void readSecondMoment(StateInput in, String tag, float[] dst) {
        in.readFloats(tag, dst);
        for (int k = 0; k < dst.length; k++) {
            if (!(dst[k] >= 0)) {
                throw new CheckpointException("state record '" + tag + "' holds " + dst[k] + " at element " + k
                        + "; expected a second moment >= 0");
            }
        }
    }
}
