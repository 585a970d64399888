package io.qshampoo.experiments.train;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

import org.ejml.data.DMatrixRMaj;

import io.qshampoo.linalg.DenseKernels;
import io.qshampoo.shampoo.DenseTensor;

/**
 * A multi-layer perceptron with ReLU hidden layers and a softmax cross-entropy loss, trained on
 * mini-batches.
 *
 * <p>Parameters are stored in float32 (as a GPU framework stores them) as {@code fc<l>.weight} of shape
 * [fan_in, fan_out] — so a batch's forward product is X·W without a transpose, and Shampoo's left
 * factor is fan_in × fan_in, its right factor fan_out × fan_out — and {@code fc<l>.bias} of shape
 * [fan_out]. Compute is float64 on EJML, the three matrix products of a layer through {@link DenseKernels}
 * (default: the EJML reference, {@code CommonOps_DDRM}): each step copies the weights to float64 once and evaluates
 * <pre>
 *   Z_l = A_{l−1}·W_l + 1·b_lᵀ,   A_l = max(Z_l, 0)   (hidden layers),   logits = Z_L
 *   loss = (1/B)·Σ_i [logsumexp(logits_i) − logits_{i, y_i}]
 * </pre>
 * and its gradient by back-propagation: dZ_L = (softmax(logits) − onehot(y))/B, dW_l = A_{l−1}ᵀ·dZ_l,
 * db_l = column sums of dZ_l, dZ_{l−1} = (dZ_l·W_lᵀ) ⊙ [Z_{l−1} &gt; 0]. The gradients are rounded to
 * float32 into the tensors of {@link Workspace#gradients()}, which an optimizer consumes.
 *
 * <p>Initialisation (seeded, {@link Random}, whose algorithm the JDK specifies, so it is the same on
 * every JVM): hidden layers He/Kaiming normal N(0, 2/fan_in) (He et al. 2015, for ReLU), the output
 * layer Glorot/Xavier uniform U(±√(6/(fan_in + fan_out))) (Glorot &amp; Bengio 2010), biases zero.
 *
 * <p>All buffers live in a {@link Workspace} allocated once for the largest batch; a step allocates
 * nothing. Not thread-safe.
 */
public final class Mlp {

    private final int[] sizes;
    private final DenseKernels kernels;
    private final DenseTensor[] weights;
    private final DenseTensor[] biases;
    private final DMatrixRMaj[] weights64;
    private final double[][] biases64;
    private final Map<String, DenseTensor> parameters;

    private Mlp(int[] sizes, long seed, DenseKernels kernels) {
        this.kernels = java.util.Objects.requireNonNull(kernels, "kernels");
        if (sizes.length < 2) {
            throw new IllegalArgumentException("an MLP needs at least an input and an output size; got " + sizes.length + " sizes");
        }
        for (int s : sizes) {
            if (s < 1) {
                throw new IllegalArgumentException("layer sizes " + java.util.Arrays.toString(sizes) + " have a size < 1");
            }
        }
        this.sizes = sizes.clone();
        int layers = sizes.length - 1;
        this.weights = new DenseTensor[layers];
        this.biases = new DenseTensor[layers];
        this.weights64 = new DMatrixRMaj[layers];
        this.biases64 = new double[layers][];
        Map<String, DenseTensor> p = new LinkedHashMap<>();
        Random rng = new Random(seed);
        for (int l = 0; l < layers; l++) {
            int in = sizes[l];
            int out = sizes[l + 1];
            DenseTensor w = DenseTensor.float32(in, out);
            float[] data = w.float32Data();
            if (l < layers - 1) {
                double std = Math.sqrt(2.0 / in);
                for (int k = 0; k < data.length; k++) {
                    data[k] = (float) (std * rng.nextGaussian());
                }
            } else {
                double limit = Math.sqrt(6.0 / (in + out));
                for (int k = 0; k < data.length; k++) {
                    data[k] = (float) (limit * (2 * rng.nextDouble() - 1));
                }
            }
            weights[l] = w;
            biases[l] = DenseTensor.float32(out);
            weights64[l] = new DMatrixRMaj(in, out);
            biases64[l] = new double[out];
            p.put(weightName(l), w);
            p.put(biasName(l), biases[l]);
        }
        this.parameters = Collections.unmodifiableMap(p);
    }

    /** A freshly initialised network with these layer sizes (input first, classes last). */
    public static Mlp initialized(int[] sizes, long seed) {
        return new Mlp(sizes, seed, DenseKernels.reference());
    }

    /** The same, with another matrix-product backend. */
    public static Mlp initialized(int[] sizes, long seed, DenseKernels kernels) {
        return new Mlp(sizes, seed, kernels);
    }

    static String weightName(int layer) {
        return "fc" + (layer + 1) + ".weight";
    }

    static String biasName(int layer) {
        return "fc" + (layer + 1) + ".bias";
    }

    /** Layer sizes, input first. */
    public int[] sizes() {
        return sizes.clone();
    }

    public int inputs() {
        return sizes[0];
    }

    public int classes() {
        return sizes[sizes.length - 1];
    }

    /** The float32 parameters by name, weights and biases layer by layer; optimizers update them in place. */
    public Map<String, DenseTensor> parameters() {
        return parameters;
    }

    /** Number of parameters. */
    public long parameterCount() {
        long n = 0;
        for (DenseTensor t : parameters.values()) {
            n += t.size();
        }
        return n;
    }

    /** Buffers for batches of up to {@code capacity} examples. */
    public Workspace workspace(int capacity) {
        return new Workspace(capacity);
    }

    /**
     * Loss and float32 gradients (into {@code ws.gradients()}) of the mini-batch made of the examples
     * {@code order[from … from+count)} of {@code x}/{@code y}.
     *
     * @return the mean cross-entropy of the batch
     */
    public double lossAndGradients(float[] x, int[] y, int[] order, int from, int count, Workspace ws) {
        syncWeights();
        ws.load(x, y, order, from, count, sizes[0]);
        double loss = forward(ws, true);
        backward(ws);
        ws.exportGradients();
        return loss;
    }

    /** Mean loss and accuracy over the first {@code n} examples, evaluated in chunks of the workspace's capacity. */
    public Evaluation evaluate(float[] x, int[] y, int n, Workspace ws) {
        syncWeights();
        double lossSum = 0;
        long correct = 0;
        for (int from = 0; from < n; from += ws.capacity) {
            int count = Math.min(ws.capacity, n - from);
            ws.load(x, y, null, from, count, sizes[0]);
            lossSum += forward(ws, false) * count;
            correct += ws.correct;
        }
        return new Evaluation(lossSum / n, correct / (double) n, n);
    }

    /** Mean loss and accuracy over a set of examples. */
    public record Evaluation(double loss, double accuracy, int examples) {
    }

    /** Copies the float32 weights and biases into the float64 compute copies. */
    void syncWeights() {
        for (int l = 0; l < weights.length; l++) {
            float[] src = weights[l].float32Data();
            double[] dst = weights64[l].data;
            for (int k = 0; k < src.length; k++) {
                dst[k] = src[k];
            }
            float[] bsrc = biases[l].float32Data();
            for (int k = 0; k < bsrc.length; k++) {
                biases64[l][k] = bsrc[k];
            }
        }
    }

    /** The float64 compute copy of layer l's weight (for gradient checks: perturb, then {@link #forward}). */
    DMatrixRMaj weight64(int layer) {
        return weights64[layer];
    }

    /** The float64 compute copy of layer l's bias. */
    double[] bias64(int layer) {
        return biases64[layer];
    }

    /**
     * Forward pass on the loaded batch with the current float64 weights and biases. With
     * {@code keepGradient} it also leaves dZ_L = (softmax − onehot)/B in the workspace.
     *
     * @return mean cross-entropy; also sets {@code ws.correct}
     */
    double forward(Workspace ws, boolean keepGradient) {
        int b = ws.count;
        int layers = weights.length;
        for (int l = 0; l < layers; l++) {
            DMatrixRMaj a = ws.act[l];
            DMatrixRMaj z = ws.act[l + 1];
            z.reshape(a.numRows, weights64[l].numCols);
            kernels.mult(a, weights64[l], z);
            double[] bias = biases64[l];
            int out = sizes[l + 1];
            double[] zd = z.data;
            boolean hidden = l < layers - 1;
            for (int i = 0; i < b; i++) {
                int row = i * out;
                for (int j = 0; j < out; j++) {
                    double v = zd[row + j] + bias[j];
                    zd[row + j] = hidden && v < 0 ? 0 : v; // ReLU in place: A_l > 0 exactly where Z_l > 0
                }
            }
        }
        DMatrixRMaj logits = ws.act[layers];
        DMatrixRMaj dz = ws.delta[layers];
        int c = classes();
        double lossSum = 0;
        int correct = 0;
        double[] zd = logits.data;
        for (int i = 0; i < b; i++) {
            int row = i * c;
            int arg = 0;
            double max = zd[row];
            for (int j = 1; j < c; j++) {
                if (zd[row + j] > max) {
                    max = zd[row + j];
                    arg = j;
                }
            }
            double sum = 0;
            for (int j = 0; j < c; j++) {
                sum += Math.exp(zd[row + j] - max);
            }
            double lse = max + Math.log(sum);
            int label = ws.labels[i];
            lossSum += lse - zd[row + label];
            if (arg == label) {
                correct++;
            }
            if (keepGradient) {
                for (int j = 0; j < c; j++) {
                    double p = Math.exp(zd[row + j] - lse);
                    dz.data[row + j] = ((j == label ? p - 1 : p)) / b;
                }
            }
        }
        ws.correct = correct;
        return lossSum / b;
    }

    /** Back-propagation from dZ_L (left by {@link #forward}) into the float64 gradient buffers. */
    void backward(Workspace ws) {
        int b = ws.count;
        for (int l = weights.length - 1; l >= 0; l--) {
            DMatrixRMaj dz = ws.delta[l + 1];
            kernels.multTransA(ws.act[l], dz, ws.gradW[l]);
            int out = sizes[l + 1];
            double[] gb = ws.gradB[l];
            java.util.Arrays.fill(gb, 0);
            for (int i = 0; i < b; i++) {
                int row = i * out;
                for (int j = 0; j < out; j++) {
                    gb[j] += dz.data[row + j];
                }
            }
            if (l > 0) {
                DMatrixRMaj da = ws.delta[l];
                kernels.multTransB(dz, weights64[l], da);
                double[] a = ws.act[l].data;
                int n = b * sizes[l];
                for (int k = 0; k < n; k++) {
                    if (!(a[k] > 0)) {
                        da.data[k] = 0;
                    }
                }
            }
        }
    }

    /** Preallocated buffers for batches of up to a fixed number of examples. */
    public final class Workspace {
        final int capacity;
        final DMatrixRMaj[] act;
        final DMatrixRMaj[] delta;
        final DMatrixRMaj[] gradW;
        final double[][] gradB;
        final int[] labels;
        final Map<String, DenseTensor> gradients;
        private final float[][] gradW32;
        private final float[][] gradB32;
        int count;
        int correct;

        private Workspace(int capacity) {
            if (capacity < 1) {
                throw new IllegalArgumentException("workspace capacity is " + capacity + "; expected >= 1");
            }
            this.capacity = capacity;
            int layers = weights.length;
            act = new DMatrixRMaj[layers + 1];
            delta = new DMatrixRMaj[layers + 1];
            for (int l = 0; l <= layers; l++) {
                act[l] = new DMatrixRMaj(capacity, sizes[l]);
                delta[l] = l == 0 ? null : new DMatrixRMaj(capacity, sizes[l]);
            }
            gradW = new DMatrixRMaj[layers];
            gradB = new double[layers][];
            gradW32 = new float[layers][];
            gradB32 = new float[layers][];
            Map<String, DenseTensor> g = new LinkedHashMap<>();
            for (int l = 0; l < layers; l++) {
                gradW[l] = new DMatrixRMaj(sizes[l], sizes[l + 1]);
                gradB[l] = new double[sizes[l + 1]];
                DenseTensor gw = DenseTensor.float32(sizes[l], sizes[l + 1]);
                DenseTensor gb = DenseTensor.float32(sizes[l + 1]);
                gradW32[l] = gw.float32Data();
                gradB32[l] = gb.float32Data();
                g.put(weightName(l), gw);
                g.put(biasName(l), gb);
            }
            labels = new int[capacity];
            gradients = Collections.unmodifiableMap(g);
        }

        /** The float32 gradients of the last {@link #lossAndGradients} call, keyed like {@link #parameters()}. */
        public Map<String, DenseTensor> gradients() {
            return gradients;
        }

        /** Copies examples {@code order[from…from+count)} (or {@code from…from+count} when order is null) into the input buffer. */
        void load(float[] x, int[] y, int[] order, int from, int count, int features) {
            if (count < 1 || count > capacity) {
                throw new IllegalArgumentException("batch of " + count + " examples; expected 1.." + capacity);
            }
            this.count = count;
            for (int l = 0; l < act.length; l++) {
                act[l].reshape(count, sizes[l]); // keeps the array: its length is the capacity's
                if (delta[l] != null) {
                    delta[l].reshape(count, sizes[l]);
                }
            }
            double[] a0 = act[0].data;
            for (int i = 0; i < count; i++) {
                int ex = order == null ? from + i : order[from + i];
                int src = ex * features;
                int dst = i * features;
                for (int j = 0; j < features; j++) {
                    a0[dst + j] = x[src + j];
                }
                labels[i] = y[ex];
            }
        }

        void exportGradients() {
            for (int l = 0; l < gradW.length; l++) {
                float[] gw = gradW32[l];
                double[] src = gradW[l].data;
                for (int k = 0; k < gw.length; k++) {
                    gw[k] = (float) src[k];
                }
                float[] gb = gradB32[l];
                for (int k = 0; k < gb.length; k++) {
                    gb[k] = (float) gradB[l][k];
                }
            }
        }

        /** The float64 weight gradient of layer l from the last backward pass (for gradient checks). */
        DMatrixRMaj gradW64(int layer) {
            return gradW[layer];
        }

        /** The float64 bias gradient of layer l from the last backward pass. */
        double[] gradB64(int layer) {
            return gradB[layer];
        }
    }
}
