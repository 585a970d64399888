package io.qshampoo.experiments.train;

import java.util.List;
import java.util.Map;

/**
 * What one optimizer achieved in a run.
 *
 * @param id           optimizer id ({@link Optimizers#ALL})
 * @param label        readable name
 * @param base         base optimizer id (sgdm or adamw)
 * @param learningRate learning rate
 * @param epochs       one record per completed epoch
 * @param failure      null, or why training stopped early
 * @param rootFailures failed inverse-root refreshes over the whole run
 * @param error        whether the stop was an unexpected exception (a bug, or an optimizer fault) rather than
 *                     divergence (a non-finite loss or gradient) or repeated root failures
 */
public record TrainResult(String id, String label, String base, double learningRate, List<Epoch> epochs,
        String failure, boolean error, int rootFailures) {

    /**
     * One epoch.
     *
     * @param epoch          1-based
     * @param steps          optimizer steps taken so far (cumulative)
     * @param trainLoss      mean mini-batch cross-entropy over the epoch's steps (nats), as each batch was
     *                       seen (before its step)
     * @param testLoss       mean cross-entropy on the test set after the epoch (nats)
     * @param testAccuracy   test accuracy after the epoch, a fraction in [0, 1]
     * @param stateBytes     optimizer-state bytes after the epoch
     * @param stateBreakdown the same by kind
     * @param trainSeconds   wall time of the epoch's steps (forward, backward and optimizer; no evaluation)
     * @param evalSeconds    wall time of the test evaluation after the epoch
     * @param rootFailures   failed inverse-root refreshes so far (cumulative; the previous root was kept)
     */
    public record Epoch(int epoch, long steps, double trainLoss, double testLoss, double testAccuracy, long stateBytes,
            Map<String, Long> stateBreakdown, double trainSeconds, double evalSeconds, int rootFailures) {
    }

    public Epoch last() {
        return epochs.isEmpty() ? null : epochs.get(epochs.size() - 1);
    }

    /** Highest test accuracy over the epochs (NaN when none completed). */
    public double bestAccuracy() {
        return epochs.stream().mapToDouble(Epoch::testAccuracy).max().orElse(Double.NaN);
    }

    /** Total training wall time (seconds, without evaluation). */
    public double trainSeconds() {
        return epochs.stream().mapToDouble(Epoch::trainSeconds).sum();
    }
}
