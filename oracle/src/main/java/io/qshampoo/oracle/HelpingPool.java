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
 *       yet, so a job waiting for its blocks never waits for a worker: with every worker inside a job, each job runs
 *       its own blocks, and a worker that finishes its job helps with the blocks of the others.</li>
 * </ul>
 *
 * <p>Invariant: a thread only ever waits for a block that is finished or running on another thread, and blocks
 * wait for nothing, so no wait can close a cycle. Which thread runs a block never changes its result (each block
 * writes its own state), so results do not depend on the number of workers. Each worker is a daemon thread.
 *
 * <p>Cost: one priority-queue operation per task.
 */
final class HelpingPool extends ThreadPoolExecutor {

    private static final AtomicLong SEQUENCE = new AtomicLong();

    /** @param workers worker threads, ≥ 1 */
    HelpingPool(int workers) {
        super(checked(workers), workers, 0, TimeUnit.SECONDS, new PriorityBlockingQueue<>(), r -> {
            Thread t = new Thread(r, "qshampoo-check-trace");
            t.setDaemon(true);
            return t;
        });
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

    /** A queued task: blocks (kind 0) before jobs (kind 1), then by order; a block's waiter may run it. */
    private static final class Task<T> extends FutureTask<T> implements Comparable<Task<?>> {
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
            if (helping && !isDone()) {
                run(); // returns at once if a worker has started it (FutureTask runs a task once)
            }
            return super.get();
        }

        @Override
        public T get(long timeout, TimeUnit unit) throws InterruptedException, ExecutionException, TimeoutException {
            if (helping && !isDone()) {
                run();
            }
            return super.get(timeout, unit);
        }
    }
}
