package io.qshampoo.gpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.ejml.data.DMatrixRMaj;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.qshampoo.linalg.SyntheticMatrices;
import io.qshampoo.quant.BlockQuantizer;
import io.qshampoo.quant.PackedCodes;
import io.qshampoo.quant.QuantizationConfig;
import io.qshampoo.quant.StorageMode;

/**
 * The backend's life cycle and error handling on the host-emulated stand-in: every failing CUDA call becomes an
 * exception naming the call and the library's error text, device memory is freed on every path, a missing device or
 * a failed compilation is reported with its reason, the NVRTC options are the bit-exactness ones, handles and the
 * context are released on close, and the context is made current on whichever thread calls. Not a GPU.
 */
class EmulatedBackendTest {

    @AfterEach
    void restore() {
        if (FakeCuda.build()) {
            FakeCuda.setDeviceCount(1);
            assertEquals(0, FakeCuda.liveAllocations(), "device allocations left behind");
        }
    }

    static float[] gaussian(int n, long seed) {
        Random r = new Random(seed);
        float[] x = new float[n];
        for (int k = 0; k < n; k++) {
            x[k] = (float) r.nextGaussian();
        }
        return x;
    }

    @Test
    void describesTheEmulatedDeviceAndCompilesWithTheBitExactnessOptions() {
        try (CudaBackend b = FakeCuda.open()) {
            assertTrue(b.device().name().contains("fake"), b.device().toString());
            assertEquals(90, b.device().capability());
            b.quantizer(QuantizationConfig.defaults());
            String options = FakeCuda.lastNvrtcOptions();
            for (String o : List.of("--gpu-architecture=compute_90", "--fmad=false", "--ftz=false", "--prec-div=true")) {
                assertTrue(options.contains(o), options);
            }
            CudaProbe probe = CudaProbe.run(FakeCuda.locator());
            assertTrue(probe.quantizerAvailable() && probe.kernelsAvailable(), probe.report());
            assertTrue(probe.report().contains("compute capability 9.0"), probe.report());
        }
    }

    @Test
    void aFailedAllocationNamesTheCallAndFreesEverything() {
        try (CudaBackend b = FakeCuda.open()) {
            BlockQuantizer q = b.quantizer(QuantizationConfig.defaults());
            int n = 80;
            float[] x = gaussian(n * n, 1);
            byte[] codes = new byte[PackedCodes.byteLength(4, n * n)];
            float[] scales = new float[n * 2];
            float[] diag = new float[n];
            for (String call : List.of("cuMemAlloc_v2", "cuMemcpyHtoD_v2", "cuMemcpyDtoH_v2", "cuLaunchKernel", "cuMemsetD8_v2")) {
                FakeCuda.failNext(call, call.equals("cuMemAlloc_v2") ? 2 : 1);
                CudaException e = assertThrows(CudaException.class,
                        () -> q.quantize(x, n, n, StorageMode.DIAG_REAL, codes, scales, diag));
                assertTrue(e.getMessage().startsWith(call), e.getMessage());
                assertEquals(0, FakeCuda.liveAllocations(), "after a failed " + call);
            }
            CudaException oom = assertThrows(CudaException.class, () -> {
                FakeCuda.failNext("cuMemAlloc_v2", 2);
                q.quantize(x, n, n, StorageMode.FULL, codes, new float[n * 2], null);
            });
            assertEquals("cuMemAlloc_v2 failed: CUDA_ERROR_OUT_OF_MEMORY (2): out of memory", oom.getMessage());
            assertEquals("cuMemAlloc_v2", oom.call());
            assertEquals(2, oom.status());
            q.quantize(x, n, n, StorageMode.DIAG_REAL, codes, scales, diag); // and it still works
        }
    }

    @Test
    void failedLibraryCallsNameTheCallAndStatus() {
        try (CudaBackend b = FakeCuda.open()) {
            CudaKernels k = b.kernels();
            DMatrixRMaj a = SyntheticMatrices.spdWithCondition(5, 10, new Random(2));
            FakeCuda.failNext("cublasDgemm_v2", 13);
            CudaException gemm = assertThrows(CudaException.class, () -> k.mult(a, a, new DMatrixRMaj(5, 5)));
            assertEquals("cublasDgemm_v2 failed: CUBLAS_STATUS_EXECUTION_FAILED (13)", gemm.getMessage());
            FakeCuda.failNext("cusolverDnDpotrf", 6);
            CudaException potrf = assertThrows(CudaException.class, () -> k.choleskyLower(a));
            assertEquals("cusolverDnDpotrf failed: CUSOLVER_STATUS_EXECUTION_FAILED (6)", potrf.getMessage());
            FakeCuda.failNext("cusolverDnDsyevd", 6);
            assertThrows(CudaException.class, () -> k.symmetricEigen(a));
            assertEquals(0, FakeCuda.liveAllocations());
        }
    }

    @Test
    void noDeviceIsReportedWithTheDriversReason() {
        FakeCuda.assume();
        FakeCuda.setDeviceCount(0);
        CudaUnavailableException e = assertThrows(CudaUnavailableException.class, FakeCuda::open);
        assertEquals("the CUDA driver cannot start: cuInit failed: CUDA_ERROR_NO_DEVICE (100): no CUDA-capable device is"
                + " detected", e.getMessage());
        CudaProbe probe = CudaProbe.run(FakeCuda.locator());
        assertFalse(probe.quantizerAvailable());
        assertTrue(probe.report().contains("cannot run: the driver cannot start: cuInit failed: CUDA_ERROR_NO_DEVICE"),
                probe.report());
    }

    @Test
    void aFailedCompilationCarriesTheProgramLog() {
        try (CudaBackend b = FakeCuda.open()) {
            FakeCuda.failNext("nvrtcCompileProgram", 6);
            CudaException e = assertThrows(CudaException.class, () -> b.quantizer(QuantizationConfig.defaults()));
            assertTrue(e.getMessage().contains("NVRTC_ERROR_COMPILATION (6)"), e.getMessage());
            assertTrue(e.getMessage().contains("injected compile failure"), e.getMessage());
            b.quantizer(QuantizationConfig.defaults()); // a later request compiles again
        }
    }

    @Test
    void withoutNvrtcTheQuantizerNeedsAnExplicitlyNamedPtxFile(@TempDir Path tmp) throws IOException {
        LibraryLocator noNvrtc = FakeCuda.locatorWithoutNvrtc();
        QuantizationConfig config = QuantizationConfig.defaults().withMinElements(0);
        try (CudaBackend b = CudaBackend.open(noNvrtc, 0, null)) {
            CudaUnavailableException e = assertThrows(CudaUnavailableException.class, () -> b.quantizer(config));
            assertTrue(e.getMessage().startsWith("NVRTC unavailable"), e.getMessage());
            b.kernels(); // the dense kernels do not need NVRTC
        }
        CudaProbe without = CudaProbe.run(noNvrtc, null);
        assertFalse(without.quantizerAvailable(), without.report());
        assertTrue(without.kernelsAvailable(), without.report());

        Path ptx = tmp.resolve("quantize.ptx");
        Files.writeString(ptx, "// fake PTX written ahead of time\n");
        CudaProbe with = CudaProbe.run(noNvrtc, ptx);
        assertTrue(with.quantizerAvailable(), with.report());
        assertTrue(with.report().contains("PTX file"), with.report());
        try (CudaBackend b = CudaBackend.open(noNvrtc, 0, ptx)) {
            CudaBlockQuantizer q = b.quantizer(config);
            assertTrue(q.toString().contains("PTX file " + ptx), q.toString());
            int n = 70;
            float[] x = gaussian(n * n, 5);
            byte[] cg = new byte[PackedCodes.byteLength(4, n * n)];
            byte[] cc = new byte[cg.length];
            int blocks = config.layout().blockCount(StorageMode.FULL, n, n);
            q.quantize(x, n, n, StorageMode.FULL, cg, new float[blocks], null);
            config.quantizer().quantize(x, n, n, StorageMode.FULL, cc, new float[blocks], null);
            assertArrayEquals(cc, cg);
        }
    }

    @Test
    void closeReleasesHandlesAndContext() {
        FakeCuda.assume();
        int refs = FakeCuda.primaryContextRefs();
        int blas = FakeCuda.blasHandles();
        int solver = FakeCuda.solverHandles();
        CudaBackend b = FakeCuda.open();
        b.kernels(CudaKernels.Precision.FP64);
        b.kernels(CudaKernels.Precision.FP32);
        b.quantizer(QuantizationConfig.defaults());
        assertEquals(refs + 1, FakeCuda.primaryContextRefs());
        assertEquals(blas + 2, FakeCuda.blasHandles());
        b.close();
        b.close();
        assertEquals(refs, FakeCuda.primaryContextRefs());
        assertEquals(blas, FakeCuda.blasHandles());
        assertEquals(solver, FakeCuda.solverHandles());
        assertThrows(IllegalStateException.class, b::kernels);
    }

    @Test
    void callsFromManyThreadsMakeTheContextCurrentAndAgree() throws Exception {
        try (CudaBackend b = FakeCuda.open()) {
            QuantizationConfig config = QuantizationConfig.defaults().withMinElements(0);
            BlockQuantizer gpu = b.quantizer(config);
            BlockQuantizer cpu = config.quantizer();
            ExecutorService pool = Executors.newFixedThreadPool(4);
            try {
                List<Future<Boolean>> results = new ArrayList<>();
                for (int t = 0; t < 16; t++) {
                    long seed = t;
                    results.add(pool.submit(() -> {
                        int n = 50 + (int) seed;
                        float[] x = gaussian(n * n, seed);
                        byte[] cg = new byte[PackedCodes.byteLength(4, n * n)];
                        byte[] cc = new byte[cg.length];
                        int blocks = config.layout().blockCount(StorageMode.DIAG_REAL, n, n);
                        float[] sg = new float[blocks];
                        float[] sc = new float[blocks];
                        gpu.quantize(x, n, n, StorageMode.DIAG_REAL, cg, sg, new float[n]);
                        cpu.quantize(x, n, n, StorageMode.DIAG_REAL, cc, sc, new float[n]);
                        assertArrayEquals(cc, cg);
                        assertArrayEquals(sc, sg);
                        return true;
                    }));
                }
                for (Future<Boolean> f : results) {
                    assertTrue(f.get());
                }
            } finally {
                pool.shutdown();
            }
        }
    }
}
