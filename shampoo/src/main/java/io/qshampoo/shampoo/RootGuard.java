package io.qshampoo.shampoo;

/**
 * Accepts or rejects a freshly computed inverse root, as industrial Shampoo does: a root that is not
 * finite, that could not be computed (not positive definite), or — when so configured — that did not
 * converge is rejected; the previous root stays in use, the failure is counted, and after k failures in
 * a row a {@link RootFailureException} is thrown.
 */
final class RootGuard implements Stateful {

    private final String name;
    private final int maxConsecutive;
    private final boolean rejectUnconverged;
    /** {consecutive failures, total failures}. */
    private final int[] counts = new int[2];

    RootGuard(String name, ShampooConfig config) {
        this.name = name;
        this.maxConsecutive = config.maxConsecutiveRootFailures();
        this.rejectUnconverged = config.conventions().unconvergedRoots() == Conventions.UnconvergedRoots.REJECT;
    }

    /** Whether a result with these properties is acceptable; counts and may throw when not. */
    boolean accept(boolean finite, boolean converged, long step, String detail) {
        if (finite && (converged || !rejectUnconverged)) {
            counts[0] = 0;
            return true;
        }
        return fail(step, (finite ? "did not converge" : "is not finite") + (detail.isEmpty() ? "" : " (" + detail + ")"), null);
    }

    /** Records a root computation that threw. */
    void failed(long step, RuntimeException cause) {
        fail(step, "could not be computed: " + cause.getMessage(), cause);
    }

    private boolean fail(long step, String why, RuntimeException cause) {
        counts[0]++;
        counts[1]++;
        if (counts[0] >= maxConsecutive) {
            throw new RootFailureException("inverse root of " + name + " at step " + step + " " + why + "; "
                    + counts[0] + " consecutive failures reached the limit of " + maxConsecutive, cause);
        }
        return false;
    }

    int totalFailures() {
        return counts[1];
    }

    @Override
    public StateBytes stateBytes() {
        return StateBytes.of(StateKind.SCALARS, 4L * counts.length);
    }

    @Override
    public void save(StateOutput out) {
        out.writeInts(name + ".rootFailures", counts);
    }

    @Override
    public void restore(StateInput in) {
        in.readInts(name + ".rootFailures", counts);
    }
}
