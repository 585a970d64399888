package io.qshampoo.shampoo;

/**
 * A piece of optimizer state that reports its exact storage and saves and restores itself bit for bit.
 * {@link #restore} reads into this object, which the caller has freshly built with the same
 * configuration and shapes; it is never called on live state (see {@link Checkpoint}).
 */
public interface Stateful {

    /** Exact bytes of stored state, by kind. */
    StateBytes stateBytes();

    /** Writes every stored array and scalar. */
    void save(StateOutput out);

    /** Reads what {@link #save} wrote, in the same order. */
    void restore(StateInput in);
}
