package io.qshampoo.shampoo;

/**
 * The identity direction, out = g: grafting to SGD, whose norm is ‖G‖_F (Agarwal et al. 2020; what the
 * official low-bit Shampoo code grafts to). No state: 0 bytes, and save/restore write and read nothing.
 * Cost O(size) per step (a copy; none through {@link DiagonalState#directionIn}).
 */
public record IdentityDirection() implements DiagonalMethod {

    @Override
    public DiagonalState newState(int size) {
        return new State(FirstOrderChecks.size("IdentityDirection", size));
    }

    private static final class State implements DiagonalState {
        private final int size;

        State(int size) {
            this.size = size;
        }

        @Override
        public void direction(double[] gradient, double[] out, long step) {
            FirstOrderChecks.direction("IdentityDirection", size, gradient, out, step);
            System.arraycopy(gradient, 0, out, 0, size);
        }

        /** The gradient itself, checked as {@link #direction} checks it: the copy is saved. */
        @Override
        public double[] directionIn(double[] gradient, double[] scratch, long step) {
            FirstOrderChecks.direction("IdentityDirection", size, gradient, scratch, step);
            return gradient;
        }

        @Override
        public StateBytes stateBytes() {
            return StateBytes.NONE;
        }

        @Override
        public void save(StateOutput out) {
            // no state
        }

        @Override
        public void restore(StateInput in) {
            // no state
        }
    }
}
