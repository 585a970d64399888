package io.qshampoo.oracle;

import java.util.List;

/**
 * The outcome of a trace check: every comparison in step order and the first one beyond tolerance.
 *
 * @param manifest         the manifest file
 * @param variant          the variant replayed
 * @param steps            number of steps replayed
 * @param precision        the other side's stated precision
 * @param comparisons      every comparison, by step, in manifest order within a step
 * @param firstDivergence  the first comparison beyond tolerance, or null
 * @param indeterminate    why that divergence does not show a fault (an eigenbasis the other side's precision cannot
 *                         determine, {@link EigenbasisIndeterminacy}), or null
 */
public record TraceReport(String manifest, String variant, int steps, String precision,
                          List<StateComparison> comparisons, StateComparison firstDivergence, String indeterminate) {

    /** Whether every compared state is within tolerance. */
    public boolean agrees() {
        return firstDivergence == null;
    }
}
