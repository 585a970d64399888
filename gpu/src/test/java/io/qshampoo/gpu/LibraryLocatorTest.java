package io.qshampoo.gpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Where the backend looks for the CUDA libraries and in which order it tries them (file system only). */
class LibraryLocatorTest {

    @TempDir
    Path tmp;

    static Path touch(Path p) throws IOException {
        Files.createDirectories(p.getParent());
        Files.writeString(p, p.getFileName().toString()); // distinct contents: distinct real files
        return p;
    }

    @Test
    void majorVersionsAreReadFromFileNamesOfTheRightLibraryOnly() {
        assertEquals(13, CudaLibrary.CUBLAS.majorOf("libcublas.so.13"));
        assertEquals(12, CudaLibrary.CUBLAS.majorOf("libcublas.so.12.4.5.8"));
        assertEquals(0, CudaLibrary.CUBLAS.majorOf("libcublas.so"));
        assertEquals(-1, CudaLibrary.CUBLAS.majorOf("libcublasLt.so.13"));
        assertEquals(13, CudaLibrary.CUBLAS_LT.majorOf("libcublasLt.so.13"));
        assertEquals(-1, CudaLibrary.NVRTC.majorOf("libnvrtc-builtins.so.13.0"));
        assertEquals(13, CudaLibrary.NVRTC_BUILTINS.majorOf("libnvrtc-builtins.so.13.0"));
        assertEquals(-1, CudaLibrary.CUSOLVER.majorOf("libcusolverMg.so.11"));
        assertEquals(11, CudaLibrary.CUSOLVER.majorOf("libcusolver.so.11"));
        assertEquals(1, CudaLibrary.DRIVER.majorOf("libcuda.so.1"));
        assertEquals(580, CudaLibrary.DRIVER.majorOf("libcuda.so.580.65.06"));
        assertEquals(-1, CudaLibrary.DRIVER.majorOf("libcudart.so.13"));
        assertEquals(-1, CudaLibrary.CUBLAS.majorOf("libcublas.so.13.txt"));
    }

    @Test
    void candidatesPreferHigherMajorsThenSearchOrderAndCanPreferWhatTheDriverSupports() throws IOException {
        Path a = tmp.resolve("a");
        Path b = tmp.resolve("b");
        touch(a.resolve("libcublas.so.12"));
        touch(a.resolve("libcublas.so.13"));
        touch(b.resolve("libcublas.so.13"));
        touch(b.resolve("libcublas.so.11"));
        touch(b.resolve("libcublasLt.so.13"));
        LibraryLocator l = LibraryLocator.only(List.of(a, b, tmp.resolve("missing")));
        assertEquals(List.of(a, b), l.directories());
        assertEquals(List.of(a.resolve("libcublas.so.13"), b.resolve("libcublas.so.13"), a.resolve("libcublas.so.12"),
                b.resolve("libcublas.so.11")), paths(l.candidates(CudaLibrary.CUBLAS)));
        // a CUDA 12 driver: majors ≤ 12 first (highest first), then the newer ones (lowest first)
        assertEquals(List.of(a.resolve("libcublas.so.12"), b.resolve("libcublas.so.11"), a.resolve("libcublas.so.13"),
                b.resolve("libcublas.so.13")), paths(l.candidates(CudaLibrary.CUBLAS, 12)));
        assertEquals(List.of(b.resolve("libcublasLt.so.13")), paths(l.candidates(CudaLibrary.CUBLAS_LT)));
    }

    @Test
    void linksToOneFileAreOneCandidateUnderTheShortestName() throws IOException {
        Path d = tmp.resolve("lib");
        Path real = touch(d.resolve("libcusolver.so.12.1.0.51"));
        Files.createSymbolicLink(d.resolve("libcusolver.so.12"), real.getFileName());
        Files.createSymbolicLink(d.resolve("libcusolver.so"), d.resolve("libcusolver.so.12").getFileName());
        List<LibraryLocator.Candidate> c = LibraryLocator.only(List.of(d)).candidates(CudaLibrary.CUSOLVER);
        assertEquals(1, c.size());
        assertEquals(d.resolve("libcusolver.so"), c.get(0).path());
    }

    @Test
    void theStandardSearchCoversTheEnvironmentToolkitsAndPythonWheels() throws IOException {
        Path ld = Files.createDirectories(tmp.resolve("ld"));
        Path cudaHome = tmp.resolve("cuda-home");
        Files.createDirectories(cudaHome.resolve("lib64"));
        Files.createDirectories(cudaHome.resolve("lib64/stubs"));
        Path venv = tmp.resolve("venv");
        Path wheel = Files.createDirectories(venv.resolve("lib/python3.12/site-packages/nvidia/cublas/lib"));
        Path home = tmp.resolve("home");
        Path pyenv = Files.createDirectories(home.resolve(".pyenv/versions/3.11.9/lib/python3.11/site-packages/nvidia/cu13/lib"));
        Path prop = Files.createDirectories(tmp.resolve("prop"));
        LibraryLocator l = LibraryLocator.standard(Map.of("LD_LIBRARY_PATH", ld + ":" + tmp.resolve("nope"),
                "CUDA_HOME", cudaHome.toString(), "VIRTUAL_ENV", venv.toString()), prop.toString(), home, "amd64");
        List<Path> dirs = l.directories();
        assertEquals(prop, dirs.get(0), "the explicit path first");
        assertEquals(ld, dirs.get(1), "then LD_LIBRARY_PATH");
        assertTrue(dirs.indexOf(cudaHome.resolve("lib64")) > 1);
        assertTrue(dirs.contains(wheel), dirs.toString());
        assertTrue(dirs.contains(pyenv), dirs.toString());
        assertFalse(dirs.toString().contains("stubs"), "the link-time stub directory is never searched");
        assertFalse(dirs.contains(tmp.resolve("nope")), "missing directories are dropped");
        assertTrue(l.systemSearch());
    }

    @Test
    void versionedToolkitsNewestFirst() throws IOException {
        for (String v : List.of("cuda-12.4", "cuda-13.0", "cuda-12.10", "cuda", "cudnn-9")) {
            Files.createDirectories(tmp.resolve(v));
        }
        assertEquals(List.of(tmp.resolve("cuda-13.0"), tmp.resolve("cuda-12.10"), tmp.resolve("cuda-12.4")),
                LibraryLocator.versionedToolkits(tmp));
    }

    static List<Path> paths(List<LibraryLocator.Candidate> c) {
        return c.stream().map(LibraryLocator.Candidate::path).toList();
    }
}
