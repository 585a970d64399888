package io.qshampoo.experiments;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Independent tasks on a fixed pool of daemon threads, results in the order the tasks were given. A task's
 * unchecked exception is rethrown as it was (an {@link IllegalArgumentException} stays one, so a command still
 * reports bad input as such); a checked one is wrapped in an {@link IllegalStateException}. The pool is shut down
 * when the call returns or throws.
 */
final class ParallelTasks {

    private ParallelTasks() {
    }

    /**
     * @param threads pool size, ≥ 1
     * @param name    the threads' name
     */
    static <T> List<T> run(int threads, String name, List<Callable<T>> tasks) {
        ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<T>> futures = new ArrayList<>();
            for (Callable<T> task : tasks) {
                futures.add(pool.submit(task));
            }
            List<T> out = new ArrayList<>();
            for (Future<T> f : futures) {
                out.add(f.get());
            }
            return out;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            throw new IllegalStateException(e.getCause());
        } finally {
            pool.shutdownNow();
        }
    }
}
