package io.qshampoo.oracle;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.function.Consumer;
import java.util.stream.Stream;

import io.qshampoo.linalg.DenseKernels;
import io.qshampoo.oracle.npy.NpyLoader;
import io.qshampoo.shampoo.ShampooOptimizer;

/**
 * Checks several traces — one per parameter of a model — on one pool of workers ({@link HelpingPool}): every trace's
 * replay is a job, the blocks of its steps are tasks of the same pool, and one {@link WorkProgress} counts the
 * block-steps of all of them. The reports are those {@link TraceReplay} gives for each trace alone, in the order the
 * traces were named, so they are the same, byte for byte, on any number of workers.
 *
 * <p>Every manifest is read and checked (fields, gradient shapes from the npy headers, the least memory of the
 * replays that run at once) before any replay starts, so a bad manifest among many fails at once, naming its file.
 * A replay that still finds bad input (a missing state file, a key the optimizer lacks) stops the jobs not yet
 * started, and the first such failure in the traces' order is thrown, naming its manifest.
 *
 * <p>Cost: the sum of the replays, spread over the workers; the longest traces start first.
 */
public final class TraceBatch {

    /** The file a trace directory holds. */
    public static final String MANIFEST = "manifest.json";

    /** How deep {@link #manifests} looks below a directory it is given. */
    static final int DEPTH = 8;

    /**
     * One trace of the batch, read and checked.
     *
     * @param file     its manifest
     * @param manifest the parsed manifest
     * @param blocks   matrix blocks of its parameter (1 for a rank ≤ 1 parameter, the unit the progress counts)
     */
    public record Trace(Path file, TraceManifest manifest, int blocks) {

        /** Block-steps of its replay. */
        long blockSteps() {
            return (long) manifest.steps() * blocks;
        }
    }

    /**
     * The outcome: the traces and their reports in the order they were named, and the throughput line.
     *
     * @param traces     the traces
     * @param reports    one report per trace, same order
     * @param throughput block-steps per second against workers and cores
     */
    public record Result(List<Trace> traces, List<TraceReport> reports, String throughput) {

        /** Whether every trace agrees. */
        public boolean agrees() {
            return reports.stream().allMatch(TraceReport::agrees);
        }
    }

    private TraceBatch() {
    }

    /**
     * Paths in natural order: runs of digits compare by their value (layers.2 before layers.10), everything else
     * character by character; paths equal in that order (e.g. 007 and 7) fall back to {@link Path#compareTo}, so the
     * order is total and consistent with equals.
     */
    static final Comparator<Path> NATURAL_ORDER = (a, b) -> {
        int c = naturalCompare(a.toString(), b.toString());
        return c != 0 ? c : a.compareTo(b);
    };

    private static int naturalCompare(String x, String y) {
        int i = 0;
        int j = 0;
        while (i < x.length() && j < y.length()) {
            char cx = x.charAt(i);
            char cy = y.charAt(j);
            if (isDigit(cx) && isDigit(cy)) {
                int ei = digitsEnd(x, i);
                int ej = digitsEnd(y, j);
                int si = firstNonZero(x, i, ei);
                int sj = firstNonZero(y, j, ej);
                int byLength = Integer.compare(ei - si, ej - sj); // more significant digits: larger
                if (byLength != 0) {
                    return byLength;
                }
                int byDigits = x.substring(si, ei).compareTo(y.substring(sj, ej));
                if (byDigits != 0) {
                    return byDigits;
                }
                i = ei;
                j = ej;
            } else {
                if (cx != cy) {
                    return Character.compare(cx, cy);
                }
                i++;
                j++;
            }
        }
        return Integer.compare(x.length() - i, y.length() - j);
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private static int digitsEnd(String s, int from) {
        int k = from;
        while (k < s.length() && isDigit(s.charAt(k))) {
            k++;
        }
        return k;
    }

    private static int firstNonZero(String s, int from, int end) {
        int k = from;
        while (k < end - 1 && s.charAt(k) == '0') {
            k++;
        }
        return k;
    }

    /**
     * The manifests named by {@code arguments}: a file is a manifest; a directory contributes every
     * {@value #MANIFEST} at most {@value #DEPTH} levels below it (itself included), in the natural order of their
     * paths ({@link #NATURAL_ORDER}: layers.2 before layers.10). Symbolic links to directories are not followed.
     *
     * @throws IllegalArgumentException for a path that does not exist, a directory holding no manifest, or a manifest
     *                                  named twice
     */
    public static List<Path> manifests(List<Path> arguments) {
        if (arguments == null || arguments.isEmpty()) {
            throw new IllegalArgumentException("no manifest given; expected MANIFEST.json files or directories of traces");
        }
        List<Path> out = new ArrayList<>();
        Map<Path, Path> seen = new HashMap<>();
        for (Path a : arguments) {
            List<Path> found;
            if (Files.isDirectory(a)) {
                try (Stream<Path> walk = Files.walk(a, DEPTH)) {
                    found = walk.filter(p -> p.getFileName() != null && p.getFileName().toString().equals(MANIFEST)
                            && Files.isRegularFile(p)).sorted(NATURAL_ORDER).toList();
                } catch (IOException | UncheckedIOException e) {
                    throw new IllegalArgumentException(a + ": cannot list the directory (" + e.getMessage() + ")");
                }
                if (found.isEmpty()) {
                    throw new IllegalArgumentException(a + ": a directory holding no " + MANIFEST + " (looked "
                            + DEPTH + " levels deep); expected a trace directory or a directory of trace directories");
                }
            } else if (Files.isRegularFile(a)) {
                found = List.of(a);
            } else {
                throw new IllegalArgumentException(a + ": no such file");
            }
            for (Path f : found) {
                Path key = f.toAbsolutePath().normalize();
                Path before = seen.putIfAbsent(key, f);
                if (before != null) {
                    throw new IllegalArgumentException(f + ": named twice (also as " + before + "); expected each trace once");
                }
                out.add(f);
            }
        }
        return out;
    }

    /**
     * Reads and checks one manifest: its fields ({@link TraceManifest#read}) and the sizes it implies
     * ({@link TraceBounds}).
     *
     * @throws IllegalArgumentException naming the file
     */
    public static Trace read(Path file) {
        TraceManifest m = TraceManifest.read(file);
        TraceBounds.check(m, loader(file), file.toString(), Runtime.getRuntime().maxMemory());
        int blocks = Math.max(1, ShampooOptimizer.blockCount(m.parameter().shape(), m.shampooConfig().maxBlockOrder()));
        return new Trace(file, m, blocks);
    }

    /**
     * Replays and compares every trace on {@code workers} threads.
     *
     * @param files    manifests, as {@link #manifests} lists them
     * @param workers  worker threads, ≥ 1
     * @param kernels  the reference replay's dense kernels ({@link TraceReplay#withKernels})
     * @param progress receives one line per replayed step of any trace
     * @throws IllegalArgumentException naming the manifest of the first trace (in the given order) with bad input
     */
    public static Result run(List<Path> files, int workers, DenseKernels kernels, Consumer<String> progress) {
        if (workers < 1) {
            throw new IllegalArgumentException("--threads is " + workers + "; expected >= 1");
        }
        List<Trace> traces = new ArrayList<>(files.size());
        for (Path f : files) {
            traces.add(read(f));
        }
        requireHeap(traces, workers, Runtime.getRuntime().maxMemory());
        long total = traces.stream().mapToLong(Trace::blockSteps).sum();
        if (total > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(files.size() + " traces replay " + total + " block-steps; expected at most "
                    + Integer.MAX_VALUE);
        }
        WorkProgress work = new WorkProgress("check trace", "block-steps", (int) total, workers, progress);
        // Longest first (by a step's dense work, rows·cols·order), so the last jobs to start are short.
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < traces.size(); i++) {
            order.add(i);
        }
        order.sort(Comparator.comparingDouble((Integer i) -> -cost(traces.get(i))).thenComparing(i -> i));
        HelpingPool pool = new HelpingPool(workers);
        List<Future<TraceReport>> jobs = new ArrayList<>(traces.size());
        for (int i = 0; i < traces.size(); i++) {
            jobs.add(null);
        }
        try {
            for (int rank = 0; rank < order.size(); rank++) {
                Trace t = traces.get(order.get(rank));
                TraceReplay replay = new TraceReplay(t.manifest(), loader(t.file()), t.file().toString())
                        .withBlockPool(pool, workers).withKernels(kernels).withWork(work);
                jobs.set(order.get(rank), pool.submitJob(replay::run, rank));
            }
            List<TraceReport> reports = new ArrayList<>(traces.size());
            IllegalArgumentException bad = null;
            for (int i = 0; i < traces.size(); i++) {
                try {
                    reports.add(await(jobs.get(i)));
                } catch (IllegalArgumentException e) {
                    if (bad == null) {
                        bad = e;
                        jobs.forEach(j -> j.cancel(false)); // no new replays; those running finish
                    }
                } catch (java.util.concurrent.CancellationException e) {
                    // stopped after an earlier failure, which is thrown below
                }
            }
            if (bad != null) {
                throw bad;
            }
            return new Result(List.copyOf(traces), List.copyOf(reports), work.summary());
        } finally {
            jobs.forEach(j -> {
                if (j != null) {
                    j.cancel(false); // after an internal error: start no further replay (those running finish)
                }
            });
            pool.shutdownNow();
        }
    }

    /** Waits for a job, rethrowing what it threw. */
    private static TraceReport await(Future<TraceReport> job) {
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return job.get();
                } catch (InterruptedException e) {
                    interrupted = true;
                } catch (ExecutionException e) {
                    Throwable c = e.getCause();
                    if (c instanceof RuntimeException r) {
                        throw r;
                    }
                    if (c instanceof Error err) {
                        throw err;
                    }
                    throw new IllegalStateException(c);
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * The replays that run at once need their least memory ({@link TraceBounds#leastBytes}) together: the
     * {@code workers} largest must fit the heap.
     */
    static void requireHeap(List<Trace> traces, int workers, long heap) {
        List<Long> needs = new ArrayList<>();
        for (Trace t : traces) {
            TraceManifest.Parameter p = t.manifest().parameter();
            long elements = 1;
            for (int d : p.shape()) {
                elements *= d; // fits: TraceBounds checked the count
            }
            needs.add(TraceBounds.leastBytes(p.shape(), elements, t.manifest().shampooConfig()));
        }
        needs.sort(Comparator.reverseOrder());
        int together = Math.min(workers, needs.size());
        double need = 0;
        for (int i = 0; i < together; i++) {
            need += needs.get(i);
        }
        if (together > 1 && need > heap) {
            throw new IllegalArgumentException(String.format(java.util.Locale.ROOT, "%d traces replayed at once (--threads "
                    + "%d) need at least %,d MiB together; the heap limit is %,d MiB (use fewer --threads, or raise it "
                    + "with QSHAMPOO_JAVA_OPTS=-Xmx…)", together, workers, (long) need >> 20, heap >> 20));
        }
    }

    /** A step's dense work, rows·cols·min(max(rows, cols), order), times the steps: the order jobs start in. */
    private static double cost(Trace t) {
        int[] s = t.manifest().parameter().shape();
        double elements = 1;
        for (int d : s) {
            elements *= d;
        }
        double rows = s.length == 0 ? 1 : s[0];
        double cols = elements / rows;
        return t.manifest().steps() * elements * Math.min(Math.max(rows, cols), t.manifest().shampooConfig().maxBlockOrder());
    }

    private static NpyLoader loader(Path manifest) {
        return new NpyLoader(manifest.toAbsolutePath().getParent());
    }
}
