package io.qshampoo.oracle;

import java.util.Locale;
import java.util.function.Consumer;

/**
 * Progress of independent work items (table cells, matrix blocks) run by a pool of workers: after each finished item
 * one line with a bar, the count, the rate and the time left; at the end a summary of items per second against the
 * workers and the cores. Thread-safe. Lines come in the order items finish, which may vary between runs: only these
 * lines depend on it, never the results (each item writes its own slot and results are read in item order).
 *
 * <p>Cost: one formatted line per item.
 */
public final class WorkProgress {

    private static final int WIDTH = 20;

    private final String label;
    private final String unit;
    private final int total;
    private final int workers;
    private final Consumer<String> sink;
    private final long start = System.nanoTime();
    private int done;

    /**
     * @param label   what runs, e.g. {@code "tables"}
     * @param unit    what an item is, plural, e.g. {@code "cells"}
     * @param total   items to run, ≥ 0
     * @param workers worker threads, ≥ 1
     * @param sink    receives each line (may be a no-op)
     * @throws IllegalArgumentException for a negative total or fewer than one worker
     */
    public WorkProgress(String label, String unit, int total, int workers, Consumer<String> sink) {
        if (total < 0 || workers < 1) {
            throw new IllegalArgumentException("progress of " + total + " " + unit + " on " + workers
                    + " workers; expected total >= 0 and workers >= 1");
        }
        this.label = label;
        this.unit = unit;
        this.total = total;
        this.workers = workers;
        this.sink = sink;
    }

    /** Records one finished item, named {@code item}, and emits its line. */
    public void done(String item) {
        done(1, item);
    }

    /** Records {@code count} finished items, named together {@code item}, and emits one line. */
    public synchronized void done(int count, String item) {
        done += count;
        double elapsed = seconds();
        int filled = total == 0 ? WIDTH : (int) ((long) WIDTH * done / total);
        double rate = done / Math.max(elapsed, 1e-9);
        double eta = (total - done) / rate;
        sink.accept(String.format(Locale.ROOT, "%s [%s%s] %d/%d %s: %s; %.2f %s/s, %s left", label, "#".repeat(filled),
                ".".repeat(WIDTH - filled), done, total, unit, item, rate, unit, time(eta)));
    }

    /** Items finished so far. */
    public synchronized int finished() {
        return done;
    }

    /** Seconds since construction. */
    public double seconds() {
        return (System.nanoTime() - start) / 1e9;
    }

    /**
     * E.g. {@code "9 cells in 12.3 s: 0.73 cells/s on 2 worker threads, 2 cores available (0.37 per worker and
     * second)"}.
     */
    public synchronized String summary() {
        double elapsed = seconds();
        double rate = done / Math.max(elapsed, 1e-9);
        return String.format(Locale.ROOT, "%d %s in %.1f s: %.2f %s/s on %d worker thread%s, %d core%s available "
                + "(%.2f per worker and second)", done, unit, elapsed, rate, unit, workers, workers == 1 ? "" : "s",
                Runtime.getRuntime().availableProcessors(), Runtime.getRuntime().availableProcessors() == 1 ? "" : "s",
                rate / workers);
    }

    private static String time(double s) {
        if (!Double.isFinite(s)) {
            return "?";
        }
        return s < 90 ? String.format(Locale.ROOT, "%.0f s", s) : String.format(Locale.ROOT, "%.1f min", s / 60);
    }
}
