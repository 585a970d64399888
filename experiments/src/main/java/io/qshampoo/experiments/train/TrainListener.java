package io.qshampoo.experiments.train;

/** Progress callbacks of a {@link Trainer}; all default to nothing. */
public interface TrainListener {

    /** An optimizer starts: {@code index} of {@code count} (0-based). */
    default void optimizerStarted(String label, int index, int count, int epochs, int stepsPerEpoch) {
    }

    /** A step finished: {@code step} of {@code stepsPerEpoch} in epoch {@code epoch} (1-based), running mean loss. */
    default void stepDone(int epoch, int step, int stepsPerEpoch, double runningLoss) {
    }

    /** The test evaluation after an epoch starts. */
    default void evaluating(int epoch) {
    }

    /** An epoch's record is complete. */
    default void epochDone(TrainResult.Epoch record) {
    }

    /** The optimizer finished (possibly early: see {@link TrainResult#failure()}). */
    default void optimizerDone(TrainResult result) {
    }

    /** An optimizer threw unexpectedly; training of it stops (the trainer records the failure). */
    default void error(RuntimeException e) {
    }

    TrainListener NONE = new TrainListener() {
    };
}
