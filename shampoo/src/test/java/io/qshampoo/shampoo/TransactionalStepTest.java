package io.qshampoo.shampoo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.ejml.data.DMatrixRMaj;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import io.qshampoo.linalg.DenseKernels;

/**
 * A step applies to every parameter or to none: a failure injected at each position of a four-parameter model —
 * a non-finite gradient, a root failure, an exception in the base optimizer after the parameter's factors were
 * updated — leaves the whole optimizer byte for byte as it was (its checkpoint is identical), and the optimizer
 * then continues exactly as one that never saw the failed step.
 */
class TransactionalStepTest {

    @TempDir
    Path dir;

    /** Square matrices (so an orthogonal gradient gives κ = 1 statistics on both sides), a rank-3 tensor, a vector. */
    private static final Map<String, int[]> SHAPES = new LinkedHashMap<>();

    static {
        SHAPES.put("a", new int[] {6, 6});
        SHAPES.put("b", new int[] {5, 5});
        SHAPES.put("c", new int[] {4, 2, 2});
        SHAPES.put("d", new int[] {7});
    }

    private static final List<String> NAMES = List.copyOf(SHAPES.keySet());

    /** Sgd with momentum that throws in apply for the parameter of one size, when armed. */
    private static final class FailingBase implements BaseOptimizer {
        private final Sgd sgd = new Sgd(0.9, false, 0);
        int armedSize = -1;

        @Override
        public ParameterUpdate newState(int size) {
            ParameterUpdate u = sgd.newState(size);
            return new ParameterUpdate() {
                @Override
                public void apply(DenseTensor param, double[] direction, long step, double learningRate) {
                    u.apply(param, direction, step, learningRate); // changes the parameter and the momentum first
                    if (size == armedSize) {
                        throw new IllegalStateException("injected failure in the base optimizer of size " + size);
                    }
                }

                @Override
                public StateBytes stateBytes() {
                    return u.stateBytes();
                }

                @Override
                public void save(StateOutput out) {
                    u.save(out);
                }

                @Override
                public void restore(StateInput in) {
                    u.restore(in);
                }
            };
        }

        @Override
        public String toString() {
            return "FailingBase(" + sgd + ")";
        }
    }

    private static Map<String, DenseTensor> parameters() {
        Map<String, DenseTensor> p = new LinkedHashMap<>();
        SHAPES.forEach((name, shape) -> {
            DenseTensor t = name.equals("b") ? DenseTensor.float32(shape) : DenseTensor.float64(shape);
            for (int k = 0; k < t.size(); k++) {
                t.set(k, Math.sin(k + name.charAt(0)));
            }
            p.put(name, t);
        });
        return p;
    }

    /** s·I in the matrix view (or s·1 for the vector): statistics with κ = 1, roots that converge. */
    private static Map<String, DenseTensor> healthy(double s) {
        Map<String, DenseTensor> g = new LinkedHashMap<>();
        SHAPES.forEach((name, shape) -> {
            DenseTensor t = DenseTensor.float64(shape);
            int n = shape[0];
            if (shape.length == 1) {
                for (int k = 0; k < n; k++) {
                    t.set(k, s);
                }
            } else {
                for (int i = 0; i < n; i++) {
                    t.set(i * n + i, s);
                }
            }
            g.put(name, t);
        });
        return g;
    }

    /** The reference kernels, which throw from multChain (after writing garbage into out) for a G of one size. */
    private static final class FailingKernels extends ForwardingKernels {
        int armedSize = -1;
        int chains;

        @Override
        public void multChain(DMatrixRMaj a, DMatrixRMaj b, DMatrixRMaj c, DMatrixRMaj work, DMatrixRMaj out) {
            chains++;
            super.multChain(a, b, c, work, out);
            if (b.getNumElements() == armedSize) {
                java.util.Arrays.fill(out.data, 0, out.getNumElements(), 1e30);
                throw new IllegalStateException("injected failure in L̂·G·R̂ of a block of size " + armedSize);
            }
        }
    }

    /** Statistics and roots every {@code every} steps, on the given kernels. */
    private static ShampooOptimizer optimizer(Variant v, FailingBase base, int every, DenseKernels kernels) {
        // Newton's official preset cannot reach its tolerance beyond κ ≈ 1e3–1e4, and one failure is the limit: a
        // large rank-1 gradient makes that parameter's root step throw.
        ShampooConfig.Builder cb = ShampooConfig.builder().variant(v).intervals(every, every).minQuantizedElements(0)
                .maxConsecutiveRootFailures(1);
        ShampooConfig config = (switch (v) {
            case SKETCHY -> cb.sketchRank(2);
            case SKETCHY4 -> cb.sketchRank(2).bits(4);
            case EIGEN4, EIGEN4_EF -> cb.bits(4);
            case FP32 -> cb.rootMethod(RootMethod.NEWTON_OFFICIAL);
            default -> cb.bits(4).rootMethod(RootMethod.NEWTON_OFFICIAL);
        }).build();
        ShampooOptimizer.Builder b = ShampooOptimizer.builder(config, base, 0.05).kernels(kernels);
        parameters().forEach(b::parameter);
        return b.build();
    }

    private byte[] checkpoint(ShampooOptimizer opt, String name) throws IOException {
        return CheckpointBytes.of(opt, dir.resolve(name));
    }

    /** Runs two healthy steps, the failing one (which must throw), then two more; compares with a clean run. */
    private void assertAllOrNothing(Variant v, Map<String, DenseTensor> bad, int armedSize, int position,
                                    Class<? extends Throwable> expected) throws IOException {
        assertAllOrNothing(v, bad, armedSize, position, expected, 1);
    }

    /** As above with statistics and roots every {@code every} steps (2: the failing third step is a steady one). */
    private void assertAllOrNothing(Variant v, Map<String, DenseTensor> bad, int armedSize, int position,
                                    Class<? extends Throwable> expected, int every) throws IOException {
        assertAllOrNothing(v, bad, armedSize, -1, position, expected, every);
    }

    /** As above, arming the base optimizer for {@code armedSize} and the kernels' L̂·G·R̂ for {@code armedChain}. */
    private void assertAllOrNothing(Variant v, Map<String, DenseTensor> bad, int armedSize, int armedChain,
                                    int position, Class<? extends Throwable> expected, int every) throws IOException {
        FailingBase base = new FailingBase();
        FailingKernels kernels = new FailingKernels();
        ShampooOptimizer opt = optimizer(v, base, every, kernels);
        ShampooOptimizer clean = optimizer(v, new FailingBase(), every, new ForwardingKernels());
        for (ShampooOptimizer o : List.of(opt, clean)) {
            o.step(healthy(1));
            o.step(healthy(0.5));
        }
        byte[] before = checkpoint(opt, "before");
        base.armedSize = armedSize;
        kernels.armedSize = armedChain;
        int chainsBefore = kernels.chains;
        assertThrows(expected, () -> opt.step(bad), v + ", failure at parameter " + NAMES.get(position));
        if (armedChain >= 0) {
            assertTrue(kernels.chains > chainsBefore, v + ": the step must have reached L̂·G·R̂");
        }
        assertArrayEquals(before, checkpoint(opt, "after"), v + ": the failed step at parameter "
                + NAMES.get(position) + " changed the optimizer");
        base.armedSize = -1;
        kernels.armedSize = -1;
        for (ShampooOptimizer o : List.of(opt, clean)) {
            o.step(healthy(2));
            o.step(healthy(0.25));
        }
        assertArrayEquals(checkpoint(clean, "clean"), checkpoint(opt, "continued"),
                v + ": after a rolled-back step the optimizer continues differently from a clean run");
        assertEquals(4, opt.stepCount());
    }

    @ParameterizedTest
    @EnumSource(Variant.class)
    void aNonFiniteGradientAtAnyPositionChangesNothing(Variant v) throws IOException {
        for (int j = 0; j < NAMES.size(); j++) {
            Map<String, DenseTensor> bad = healthy(3);
            bad.get(NAMES.get(j)).set(bad.get(NAMES.get(j)).size() - 1, Double.NaN);
            assertAllOrNothing(v, bad, -1, j, IllegalArgumentException.class);
        }
    }

    @ParameterizedTest
    @EnumSource(Variant.class)
    void aFailureInAnyParametersUpdateRollsBackEveryParameter(Variant v) throws IOException {
        for (int j = 0; j < NAMES.size(); j++) {
            int size = Math.toIntExact(java.util.Arrays.stream(SHAPES.get(NAMES.get(j))).asLongStream()
                    .reduce(1, (x, y) -> x * y)); // the sizes 36, 25, 16, 7 tell the parameters apart
            assertAllOrNothing(v, healthy(3), size, j, IllegalStateException.class);
        }
    }

    /**
     * A steady step (no statistics, no roots) is undone from a snapshot without the factors, restored in place: the
     * failure must still leave the optimizer exactly as it was, and the next refresh must continue as a clean run.
     */
    @ParameterizedTest
    @EnumSource(Variant.class)
    void aFailedSteadyStepIsUndoneWithoutSavingTheFactors(Variant v) throws IOException {
        for (int j = 0; j < NAMES.size(); j++) {
            int size = Math.toIntExact(java.util.Arrays.stream(SHAPES.get(NAMES.get(j))).asLongStream()
                    .reduce(1, (x, y) -> x * y));
            assertAllOrNothing(v, healthy(3), size, j, IllegalStateException.class, 2);
        }
    }

    /**
     * A failure inside the chained product L̂·G·R̂ (after it wrote a wrong direction) of any matrix parameter, in a
     * refreshing step and in a steady one, leaves every parameter and every state as it was.
     */
    @ParameterizedTest
    @EnumSource(value = Variant.class, names = {"FP32", "VQ", "CQ", "CQ_EF", "EIGEN4", "EIGEN4_EF"})
    void aFailureInsideTheChainedProductRollsBackEveryParameter(Variant v) throws IOException {
        for (int every : new int[] {1, 2}) {
            for (int j = 0; j < 3; j++) { // the vector d has no L̂·G·R̂
                int[] shape = SHAPES.get(NAMES.get(j));
                int size = Math.toIntExact(java.util.Arrays.stream(shape).asLongStream().reduce(1, (x, y) -> x * y));
                assertAllOrNothing(v, healthy(3), -1, size, j, IllegalStateException.class, every);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(value = Variant.class, names = {"FP32", "VQ", "CQ", "CQ_EF"})
    void aRootFailureAtAnyPositionRollsBackEveryParameter(Variant v) throws IOException {
        for (int j = 0; j < 3; j++) { // the vector d has no root
            Map<String, DenseTensor> bad = healthy(3);
            DenseTensor t = bad.get(NAMES.get(j));
            for (int k = 0; k < t.size(); k++) {
                t.set(k, 0);
            }
            t.set(0, 1e6); // rank one and large: κ(L) ≈ 1e6 even after the ε·λmax ridge, far beyond the preset
            assertAllOrNothing(v, bad, -1, j, RootFailureException.class);
        }
    }
}
