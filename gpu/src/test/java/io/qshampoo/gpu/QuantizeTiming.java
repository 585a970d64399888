package io.qshampoo.gpu;

import java.util.Locale;
import java.util.Random;

import io.qshampoo.quant.StorageMode;

/**
 * A simple timing harness for the quantization kernels against the device's own copy bandwidth, measured in the same
 * run on the same bytes: {@code reps} launches of {@code qs_diagonal}/{@code qs_absmax}/{@code qs_encode} on a
 * device-resident n × n fp32 source (no host transfers), then {@code reps} {@code cuMemcpyDtoD} copies of that source,
 * each batch timed from the host around a final {@code cuCtxSynchronize} after one warm-up.
 *
 * <p>Rates: the quantizer's as input bytes per second (4n²/t), and as bytes moved (input read + codes and scales
 * written); the copy's as bytes moved (4n² read + 4n² written). The ratio of bytes moved is how close quantization
 * comes to a pure memory-bound pass.
 *
 * @param n           order
 * @param mode        storage mode
 * @param reps        launches per batch
 * @param quantizeSec seconds per quantization (all kernels)
 * @param copySec     seconds per copy of the 4n²-byte source
 * @param movedBytes  bytes a quantization reads and writes
 */
record QuantizeTiming(int n, StorageMode mode, int reps, double quantizeSec, double copySec, long movedBytes) {

    static QuantizeTiming measure(CudaContext context, CudaBlockQuantizer quantizer, int n, StorageMode mode, int reps) {
        return context.call(() -> {
            try (DeviceQuantization p = quantizer.problem(n, n, mode); DeviceBuffer copy = context.allocate(4L * n * n)) {
                float[] x = new float[n * n];
                Random r = new Random(n);
                for (int k = 0; k < x.length; k++) {
                    x[k] = (float) r.nextGaussian();
                }
                p.upload(x);
                Driver d = context.driver();
                p.launch();
                d.copyDeviceToDevice(copy.address(), p.src.address(), p.sourceBytes());
                d.synchronize();
                long t0 = System.nanoTime();
                for (int k = 0; k < reps; k++) {
                    p.launch();
                }
                d.synchronize();
                long t1 = System.nanoTime();
                for (int k = 0; k < reps; k++) {
                    d.copyDeviceToDevice(copy.address(), p.src.address(), p.sourceBytes());
                }
                d.synchronize();
                long t2 = System.nanoTime();
                if (p.nonFinite()) {
                    throw new IllegalStateException("the timing input was flagged non-finite");
                }
                int bits = quantizer.table().bits();
                long codes = ((long) bits * mode.codeCount(n, n) + 7) / 8;
                long scales = 4L * quantizer.layout().blockCount(mode, n, n);
                long moved = p.sourceBytes() + codes + scales + (mode.keepsDiagonal() ? 4L * n : 0);
                return new QuantizeTiming(n, mode, reps, (t1 - t0) / 1e9 / reps, (t2 - t1) / 1e9 / reps, moved);
            }
        });
    }

    double quantizeInputGBps() {
        return 4.0 * n * n / quantizeSec / 1e9;
    }

    double quantizeMovedGBps() {
        return movedBytes / quantizeSec / 1e9;
    }

    double copyMovedGBps() {
        return 2 * 4.0 * n * n / copySec / 1e9;
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT,
                "n = %5d %-14s quantize %8.3f ms (input %7.1f GB/s, moved %7.1f GB/s) | DtoD copy %8.3f ms (moved %7.1f GB/s)"
                        + " | quantize/copy bytes-moved rate %.2f (%d reps)",
                n, mode, quantizeSec * 1e3, quantizeInputGBps(), quantizeMovedGBps(), copySec * 1e3, copyMovedGBps(),
                quantizeMovedGBps() / copyMovedGBps(), reps);
    }
}
