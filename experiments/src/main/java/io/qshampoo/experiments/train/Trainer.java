package io.qshampoo.experiments.train;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import io.qshampoo.linalg.DenseKernels;
import io.qshampoo.shampoo.RootFailureException;
import io.qshampoo.shampoo.StateBytes;

/**
 * Trains one fresh MLP per optimizer on the same data, the same initial weights and the same sequence
 * of mini-batches, and records per epoch the training loss, the test loss and accuracy, the optimizer's
 * state bytes and the wall time.
 *
 * <p>Determinism: the initial weights come from {@code Random(seed)}; the mini-batch order from a
 * second generator seeded from the seed ({@link #shuffleSeed}), reshuffled (Fisher–Yates) at every
 * epoch; the last batch of an epoch holds the remainder when the batch size does not divide the
 * training-set size. Everything runs on one thread in a fixed order, so the same seed and settings give
 * bit-identical results.
 *
 * <p>A run that produces a non-finite loss or gradient (divergence), or whose optimizer gives up (repeated
 * root failures) or throws, stops that optimizer with a failure message; the others still run. An
 * exception other than divergence or root failure is reported as an error ({@link TrainResult#error()})
 * and passed to {@link TrainListener#error}.
 */
public final class Trainer {

    /**
     * One run's settings.
     *
     * @param hidden     hidden-layer sizes
     * @param epochs     passes over the training set
     * @param batch      mini-batch size
     * @param seed       initialisation and shuffling seed
     * @param evalChunk  examples per forward pass when evaluating
     */
    public record Config(int[] hidden, int epochs, int batch, long seed, int evalChunk) {
        public Config {
            if (epochs < 1 || batch < 1 || evalChunk < 1) {
                throw new IllegalArgumentException("epochs = " + epochs + ", batch = " + batch + ", eval chunk = "
                        + evalChunk + "; expected each >= 1");
            }
            hidden = hidden.clone();
        }
    }

    private final Dataset data;
    private final Config config;

    public Trainer(Dataset data, Config config) {
        this.data = data;
        this.config = config;
    }

    /** Layer sizes: inputs, hidden…, classes. */
    public int[] layerSizes() {
        int[] sizes = new int[config.hidden().length + 2];
        sizes[0] = data.features();
        System.arraycopy(config.hidden(), 0, sizes, 1, config.hidden().length);
        sizes[sizes.length - 1] = data.classes();
        return sizes;
    }

    /** Steps per epoch: ⌈train size / batch⌉. */
    public int stepsPerEpoch() {
        return (data.trainSize() + config.batch() - 1) / config.batch();
    }

    static long shuffleSeed(long seed) {
        return seed * 0x9E3779B97F4A7C15L + 0x632BE59BD9B4E019L;
    }

    /** Trains every optimizer in order. */
    public List<TrainResult> run(List<String> ids, Map<String, Double> learningRates, Optimizers.Settings settings,
            TrainListener listener) {
        List<TrainResult> results = new ArrayList<>();
        for (int i = 0; i < ids.size(); i++) {
            String id = ids.get(i);
            double lr = learningRates.getOrDefault(id, Optimizers.defaultLearningRate(id, settings));
            listener.optimizerStarted(Optimizers.label(id, settings), i, ids.size(), config.epochs(), stepsPerEpoch());
            TrainResult r = train(id, lr, settings, listener);
            listener.optimizerDone(r);
            results.add(r);
        }
        return results;
    }

    /** Trains one optimizer from the seeded initialisation. */
    public TrainResult train(String id, double lr, Optimizers.Settings settings, TrainListener listener) {
        Mlp mlp = Mlp.initialized(layerSizes(), config.seed(), DenseKernels.fromProperty());
        TrainOptimizer opt = Optimizers.create(id, lr, settings, mlp.parameters());
        Mlp.Workspace ws = mlp.workspace(config.batch());
        Mlp.Workspace evalWs = mlp.workspace(Math.min(config.evalChunk(), data.testSize()));
        int n = data.trainSize();
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        Random shuffle = new Random(shuffleSeed(config.seed()));
        List<TrainResult.Epoch> epochs = new ArrayList<>();
        String failure = null;
        boolean error = false;
        long steps = 0;
        int perEpoch = stepsPerEpoch();
        outer:
        for (int e = 1; e <= config.epochs(); e++) {
            for (int i = n - 1; i > 0; i--) {
                int j = shuffle.nextInt(i + 1);
                int t = order[i];
                order[i] = order[j];
                order[j] = t;
            }
            long t0 = System.nanoTime();
            double lossSum = 0;
            int seen = 0;
            for (int s = 0; s < perEpoch; s++) {
                int from = s * config.batch();
                int count = Math.min(config.batch(), n - from);
                double loss = mlp.lossAndGradients(data.trainX(), data.trainY(), order, from, count, ws);
                if (!Double.isFinite(loss)) {
                    failure = "diverged: training loss " + loss + " at epoch " + e + ", step " + (steps + 1);
                    break outer;
                }
                try {
                    opt.step(ws.gradients());
                } catch (RootFailureException ex) {
                    failure = "stopped at epoch " + e + ", step " + (steps + 1) + ": " + ex.getMessage();
                    break outer;
                } catch (RuntimeException ex) {
                    failure = "stopped at epoch " + e + ", step " + (steps + 1) + ": " + ex;
                    error = !nonFiniteGradient(ws);
                    if (error) {
                        listener.error(ex);
                    }
                    break outer;
                }
                steps++;
                lossSum += loss * count;
                seen += count;
                listener.stepDone(e, s + 1, perEpoch, lossSum / seen);
            }
            double trainSeconds = (System.nanoTime() - t0) / 1e9;
            listener.evaluating(e);
            long t1 = System.nanoTime();
            Mlp.Evaluation ev = mlp.evaluate(data.testX(), data.testY(), data.testSize(), evalWs);
            double evalSeconds = (System.nanoTime() - t1) / 1e9;
            StateBytes sb = opt.stateBytes();
            Map<String, Long> breakdown = new LinkedHashMap<>();
            sb.breakdown().entrySet().stream().sorted(Map.Entry.comparingByKey())
                    .forEach(en -> breakdown.put(en.getKey().name().toLowerCase(), en.getValue()));
            TrainResult.Epoch rec = new TrainResult.Epoch(e, steps, lossSum / seen, ev.loss(), ev.accuracy(), sb.total(),
                    breakdown, trainSeconds, evalSeconds, opt.rootFailures());
            epochs.add(rec);
            listener.epochDone(rec);
            if (!Double.isFinite(ev.loss())) {
                failure = "diverged: test loss " + ev.loss() + " after epoch " + e;
                break;
            }
        }
        return new TrainResult(id, Optimizers.label(id, settings), Optimizers.baseOf(id, settings), lr,
                List.copyOf(epochs), failure, error, opt.rootFailures());
    }

    /** Whether a gradient holds NaN or ±∞ (the optimizer then refuses the step: divergence, not a fault). */
    private static boolean nonFiniteGradient(Mlp.Workspace ws) {
        for (var g : ws.gradients().values()) {
            if (g.firstNonFinite() >= 0) {
                return true;
            }
        }
        return false;
    }
}
