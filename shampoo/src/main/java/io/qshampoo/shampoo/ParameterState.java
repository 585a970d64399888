package io.qshampoo.shampoo;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;

import org.ejml.data.DMatrixRMaj;

import io.qshampoo.linalg.DenseKernels;

/**
 * Everything the optimizer keeps for one named parameter: per matrix block the left and right
 * {@link KroneckerFactor}s and the grafting state; for rank ≤ 1 tensors the vector method's state; and
 * the base optimizer's state.
 */
final class ParameterState implements Stateful {

    /**
     * One matrix block's preconditioner, with the block's gradient and the scratch of {@link Algorithm1#step}
     * (allocated once, reused every step). {@code direction} is the parameter's own direction array when the block is
     * the whole parameter (then nothing is copied into it), else the block's own.
     */
    private record BlockState(Blocking.Block block, KroneckerFactor left, KroneckerFactor right, DiagonalState graft,
                              DMatrixRMaj gradient, double[] grafted, DMatrixRMaj work, double[] direction) {
        BlockState(Blocking.Block block, KroneckerFactor left, KroneckerFactor right, DiagonalState graft,
                   double[] direction) {
            this(block, left, right, graft, new DMatrixRMaj(block.rows(), block.cols()),
                    new double[block.rows() * block.cols()], new DMatrixRMaj(block.rows(), block.cols()), direction);
        }
    }

    private final String name;
    private final int[] shape;
    private final ShampooConfig config;
    private final Blocking blocking;
    private final List<BlockState> blocks = new ArrayList<>();
    private final DiagonalState vector;
    private final ParameterUpdate base;
    private final double[] direction;
    /** Bytes of the last undo snapshot without and with the factors: the next one's buffer size. */
    private final int[] snapshotBytes = {4096, 4096};
    /** The gradient of a rank ≤ 1 parameter in float64 (null for matrices). */
    private final double[] vectorGradient;

    ParameterState(String name, int[] shape, int size, ShampooConfig config, BaseOptimizer baseOptimizer,
            Backend backend) {
        DenseKernels kernels = backend.kernels();
        this.name = name;
        this.shape = shape.clone();
        this.config = config;
        this.base = baseOptimizer.newState(size);
        this.direction = new double[size];
        if (Blocking.isMatrix(shape)) {
            this.blocking = Blocking.of(shape, config.maxBlockOrder());
            this.vector = null;
            this.vectorGradient = null;
            boolean whole = blocking.blocks().size() == 1; // one block is the whole matrix view, row-major as the parameter
            for (Blocking.Block b : blocking.blocks()) {
                String prefix = name + "#" + b.index();
                blocks.add(new BlockState(b,
                        Preconditioners.factor(prefix + ".left", b.rows(), Side.LEFT, config, backend),
                        Preconditioners.factor(prefix + ".right", b.cols(), Side.RIGHT, config, backend),
                        config.grafting().method().newState(b.rows() * b.cols()),
                        whole ? direction : new double[b.rows() * b.cols()]));
            }
        } else {
            this.blocking = null;
            this.vector = Preconditioners.vectorMethod(size, config, kernels).newState(size);
            this.vectorGradient = new double[size];
        }
    }

    String name() {
        return name;
    }

    int[] shape() {
        return shape.clone();
    }

    /**
     * One step k of Li et al. Alg. 1 for this parameter — lines 3–15 per block by {@link Algorithm1}, then line 16
     * (the base optimizer) once: statistics at k mod T1 = 0 (or (k − 1) mod T1 = 0, per
     * {@link Conventions#updatePhase()}), roots at k mod T2 = 0,
     * preconditioned and grafted direction per block, then the base optimizer.
     */
    void step(DenseTensor param, DenseTensor grad, long k, double learningRate) {
        step(param, grad, k, learningRate, null);
    }

    /**
     * As {@link #step(DenseTensor, DenseTensor, long, double)}, the blocks on {@code pool} when it is given and there
     * are several. Each block reads its part of the gradient and writes its own state and its own part of the
     * direction, so the result is the same, bit for bit, on any number of threads; the base optimizer runs after all
     * blocks. The first failing block in block order is rethrown as it was thrown.
     */
    void step(DenseTensor param, DenseTensor grad, long k, double learningRate, ExecutorService pool) {
        if (blocking == null) {
            grad.copyTo(vectorGradient);
            vector.direction(vectorGradient, direction, k);
        } else if (pool == null || blocks.size() == 1) {
            for (BlockState s : blocks) {
                blockStep(s, grad, k);
            }
        } else {
            List<Future<?>> done = new ArrayList<>(blocks.size());
            try {
                for (BlockState s : blocks) {
                    done.add(pool.submit(() -> blockStep(s, grad, k)));
                }
            } catch (RuntimeException refused) { // e.g. a pool shut down: let the blocks already running finish first
                try {
                    awaitInOrder(done);
                } catch (RuntimeException | Error also) {
                    refused.addSuppressed(also);
                }
                throw refused;
            }
            awaitInOrder(done);
        }
        base.apply(param, direction, k, learningRate);
    }

    private void blockStep(BlockState s, DenseTensor grad, long k) {
        blocking.extract(grad, s.block(), s.gradient());
        Algorithm1.step(s.gradient(), s.left(), s.right(), s.graft(), k, config, s.grafted(), s.work(), s.direction());
        if (s.direction() != direction) {
            blocking.insert(s.direction(), s.block(), direction);
        }
    }

    /** Waits for every block (none is left running), then rethrows the first failure in block order. */
    private static void awaitInOrder(List<Future<?>> done) {
        Throwable first = null;
        boolean interrupted = false;
        for (Future<?> f : done) {
            while (true) {
                try {
                    f.get();
                    break;
                } catch (InterruptedException e) {
                    interrupted = true; // finish waiting: a block still running would write into the state
                } catch (ExecutionException e) {
                    first = first == null ? e.getCause() : first;
                    break;
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        if (first instanceof RuntimeException re) {
            throw re;
        }
        if (first instanceof Error err) {
            throw err;
        }
        if (first != null) {
            throw new IllegalStateException(first);
        }
    }

    /** Writes only the preconditioner factors' records (their tags are unique: "name#block.side.…"). */
    void saveFactors(StateOutput out) {
        for (BlockState s : blocks) {
            s.left().save(out);
            s.right().save(out);
        }
    }

    /** Every block's factor states, dequantized, keyed "name#block.left.L" etc. */
    void inspect(java.util.Map<String, DMatrixRMaj> out) {
        for (BlockState s : blocks) {
            String prefix = name + "#" + s.block().index();
            s.left().inspect(prefix + ".left", out);
            s.right().inspect(prefix + ".right", out);
        }
    }

    /** The size of the last undo snapshot of this kind, to size the next one's buffer. */
    int snapshotBytesHint(boolean factors) {
        return snapshotBytes[factors ? 1 : 0];
    }

    void snapshotBytesWere(boolean factors, int bytes) {
        snapshotBytes[factors ? 1 : 0] = bytes;
    }

    int blockCount() {
        return blocks.size();
    }

    int rootFailures() {
        int n = 0;
        for (BlockState s : blocks) {
            n += s.left().rootFailures() + s.right().rootFailures();
        }
        return n;
    }

    /** Exact state bytes: factors, grafting, vector method, base optimizer. */
    @Override
    public StateBytes stateBytes() {
        StateBytes total = base.stateBytes();
        for (BlockState s : blocks) {
            total = total.plus(s.left().stateBytes()).plus(s.right().stateBytes()).plus(s.graft().stateBytes());
        }
        return vector == null ? total : total.plus(vector.stateBytes());
    }

    /** Bytes of the preconditioner states only (no grafting, no base optimizer). */
    StateBytes preconditionerBytes() {
        StateBytes total = StateBytes.NONE;
        for (BlockState s : blocks) {
            total = total.plus(s.left().stateBytes()).plus(s.right().stateBytes());
        }
        return total;
    }

    /**
     * Whether step k changes the factors: a statistics update (every T1 steps, in the configured phase) or a root
     * refresh (every T2) of Alg. 1 for a matrix parameter. Any other step only reads them ({@link KroneckerFactor#apply}).
     */
    boolean changesFactors(long k) {
        return !blocks.isEmpty() && (config.conventions().updatePhase().updates(k, config.t1()) || k % config.t2() == 0);
    }

    @Override
    public void save(StateOutput out) {
        saveStep(out, true);
    }

    /** As {@link #save}, leaving the factors out unless {@code factors}: what one step may change. */
    void saveStep(StateOutput out, boolean factors) {
        for (BlockState s : blocks) {
            if (factors) {
                s.left().save(out);
                s.right().save(out);
            }
            s.graft().save(out);
        }
        if (vector != null) {
            vector.save(out);
        }
        base.save(out);
    }

    @Override
    public void restore(StateInput in) {
        restoreStep(in, true);
    }

    /** Reads what {@link #saveStep} wrote with the same {@code factors}. */
    void restoreStep(StateInput in, boolean factors) {
        for (BlockState s : blocks) {
            if (factors) {
                s.left().restore(in);
                s.right().restore(in);
            }
            s.graft().restore(in);
        }
        if (vector != null) {
            vector.restore(in);
        }
        base.restore(in);
    }
}
