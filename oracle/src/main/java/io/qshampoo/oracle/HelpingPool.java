package io.qshampoo.oracle;

import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;
import java.util.concurrent.PriorityBlockingQueue;
import java.util.concurrent.RunnableFuture;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A fixed pool of worker threads that runs whole traces and, nested in them, the blocks of each step, without
 * deadlock and without more running threads than workers. Two kinds of task share one queue:
 *
 * <ul>
 *   <li><b>jobs</b> ({@link #submitJob}: one trace's replay), taken in the order of their rank, and only when no
 *       block is waiting;</li>
 *   <li><b>blocks</b> ({@link #submit}, what {@code ShampooOptimizer} hands its block pool), taken first, in the order
 *       submitted. A block's {@link Future#get()} runs the block on the waiting thread if no worker has started it
 *       yet, and while it runs elsewhere the waiter runs other queued blocks (of any job, never a job itself), so a
 *       job waiting for its blocks never waits for a worker and never idles while blocks are queued: with every
 *       worker inside a job, each job runs its own blocks, and a worker that finishes its job helps the others.</li>
 * </ul>
 *
 * <p>Invariant: a thread only ever waits for a block that is finished or running on another thread, and blocks
 * wait for nothing (a waiter runs blocks only, which do not wait), so no wait can close a cycle. Which thread runs a block never changes its result (each block
 * writes its own state), so results do not depend on the number of workers. Each worker is a daemon thread.
 *
 * <p>Cost: one priority-queue operation per task; a waiter whose block runs elsewhere looks at the queue every
 * {@value #WAIT_MILLIS} ms.
 */
final class HelpingPool extends ThreadPoolExecutor {

    private static final AtomicLong SEQUENCE = new AtomicLong();

    /** How long a waiter whose block runs elsewhere sleeps before it looks for queued blocks again. */
    private static final long WAIT_MILLIS = 2;

    private final java.util.concurrent.BlockingQueue<Runnable> queue;

    /** @param workers worker threads, ≥ 1 */
    HelpingPool(int workers) {
        super(checked(workers), workers, 0, TimeUnit.SECONDS, new PriorityBlockingQueue<>(), r -> {
            Thread t = new Thread(r, "qshampoo-check-trace");
            t.setDaemon(true);
            return t;
        });
        queue = getQueue();
        prestartAllCoreThreads(); // every task goes through the priority queue, none straight to a new thread
    }

    private static int checked(int workers) {
        if (workers < 1) {
            throw new IllegalArgumentException("--threads is " + workers + "; expected >= 1");
        }
        return workers;
    }

    /** Queues a job (a whole trace); lower ranks start first. Its future does not run it on a waiting thread. */
    <T> Future<T> submitJob(Callable<T> job, long rank) {
        Task<T> t = new Task<>(job, 1, rank, false);
        execute(t);
        return t;
    }

    @Override
    protected <T> RunnableFuture<T> newTaskFor(Callable<T> callable) {
        return new Task<>(callable, 0, SEQUENCE.getAndIncrement(), true);
    }

    @Override
    protected <T> RunnableFuture<T> newTaskFor(Runnable runnable, T value) {
        return new Task<>(java.util.concurrent.Executors.callable(runnable, value), 0, SEQUENCE.getAndIncrement(), true);
    }

    @Override
    public void execute(Runnable command) {
        super.execute(command instanceof Task<?> ? command
                : new Task<>(java.util.concurrent.Executors.callable(command), 0, SEQUENCE.getAndIncrement(), true));
    }

    /** A queued task: blocks (kind 0) before jobs (kind 1), then by order; a block's waiter helps with blocks. */
    private final class Task<T> extends FutureTask<T> implements Comparable<Task<?>> {
        private final int kind;
        private final long order;
        private final boolean helping;

        Task(Callable<T> c, int kind, long order, boolean helping) {
            super(c);
            this.kind = kind;
            this.order = order;
            this.helping = helping;
        }

        @Override
        public int compareTo(Task<?> o) {
            return kind != o.kind ? Integer.compare(kind, o.kind) : Long.compare(order, o.order);
        }

        @Override
        public T get() throws InterruptedException, ExecutionException {
            help();
            return super.get();
        }

        @Override
        public T get(long timeout, TimeUnit unit) throws InterruptedException, ExecutionException, TimeoutException {
            if (helping) {
                run(); // only its own block: the other blocks could outlast the timeout
            }
            return super.get(timeout, unit);
        }

        /**
         * Until this block is done: run it if no worker has started it, else run any other queued block (never a job),
         * else wait a moment for it. A waiter that only ran its own block would idle while the workers run its
         * siblings one after the other.
         */
        private void help() throws InterruptedException {
            if (!helping) {
                return;
            }
            run(); // returns at once if a worker has started it (a FutureTask runs once)
            while (!isDone()) {
                Runnable next = queue.peek();
                if (next instanceof Task<?> t && t.kind == 0 && queue.remove(t)) {
                    t.run();
                } else {
                    try {
                        super.get(WAIT_MILLIS, TimeUnit.MILLISECONDS);
                    } catch (ExecutionException | TimeoutException | java.util.concurrent.CancellationException e) {
                        // done (get() reports how), or still running elsewhere: look at the queue again
                    }
                }
            }
        }
    }
}
