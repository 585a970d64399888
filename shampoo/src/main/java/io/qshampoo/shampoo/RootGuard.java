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
    /** Failures since the last accepted root. */
    private int consecutive;
    /** Failures since the start. */
    private int total;

    RootGuard(String name, ShampooConfig config) {
        this.name = name;
        this.maxConsecutive = config.maxConsecutiveRootFailures();
        this.rejectUnconverged = config.conventions().unconvergedRoots() == Conventions.UnconvergedRoots.REJECT;
    }

    /** Whether a result with these properties is acceptable; counts and may throw when not. */
    boolean accept(boolean finite, boolean converged, long step, String detail) {
        if (finite && (converged || !rejectUnconverged)) {
            consecutive = 0;
            return true;
        }
        return fail(step, (finite ? "did not converge" : "is not finite") + (detail.isEmpty() ? "" : " (" + detail + ")"), null);
    }

    /** Records a root computation that threw. */
    void failed(long step, RuntimeException cause) {
        fail(step, "could not be computed: " + cause.getMessage(), cause);
    }

    private boolean fail(long step, String why, RuntimeException cause) {
        consecutive++;
        total++;
        if (consecutive >= maxConsecutive) {
            throw new RootFailureException("inverse root of " + name + " at step " + step + " " + why + "; "
                    + consecutive + " consecutive failures reached the limit of " + maxConsecutive, cause);
        }
        return false;
    }

    int totalFailures() {
        return total;
    }

    @Override
    public StateBytes stateBytes() {
        return StateBytes.of(StateKind.SCALARS, 4L * 2);
    }

    @Override
    public void save(StateOutput out) {
        out.writeInts(name + ".rootFailures", new int[] {consecutive, total}); // [consecutive, total]
    }

    @Override
    public void restore(StateInput in) {
        int[] counts = new int[2];
        in.readInts(name + ".rootFailures", counts);
        consecutive = counts[0];
        total = counts[1];
    }
}
