package io.qshampoo.gpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * quantize.cu compiles to PTX with nvcc (where a CUDA toolkit is installed; skips otherwise) for the oldest and newest
 * virtual architectures this nvcc supports (and compute_90, the H100's), with NVRTC's options and with nvcc's defaults, and the PTX has what
 * bit-exactness needs: the four kernels, round-to-nearest fp32 multiply and division without flush-to-zero, and no
 * fp32 fused multiply-add anywhere (x·scale is never contracted). A compile check: nothing runs on a GPU.
 */
class KernelSourceCompilesTest {

    @TempDir
    Path tmp;

    static String nvcc() {
        List<String> candidates = new ArrayList<>();
        String home = System.getenv("CUDA_HOME");
        if (home != null) {
            candidates.add(home + "/bin/nvcc");
        }
        candidates.add("/usr/local/cuda/bin/nvcc");
        for (String c : candidates) {
            if (Files.isExecutable(Path.of(c))) {
                return c;
            }
        }
        return FakeCuda.onPath("nvcc") ? "nvcc" : null;
    }

    static String run(List<String> cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(300, TimeUnit.SECONDS), "timed out: " + cmd);
        assertEquals(0, p.exitValue(), () -> String.join(" ", cmd) + "\n" + out);
        return out;
    }

    @Test
    void compilesToPtxWithWhatBitExactnessNeeds() throws Exception {
        String nvcc = nvcc();
        Assumptions.assumeTrue(nvcc != null, "nvcc not found (CUDA_HOME/bin, /usr/local/cuda/bin, PATH)");
        Path src = tmp.resolve("quantize.cu");
        Files.writeString(src, QuantizeKernels.source());
        List<String> archs = new ArrayList<>();
        for (String line : run(List.of(nvcc, "--list-gpu-arch")).split("\\s+")) {
            if (line.startsWith("compute_") && line.substring(8).chars().allMatch(Character::isDigit)) {
                archs.add(line);
            }
        }
        assertFalse(archs.isEmpty(), "nvcc --list-gpu-arch listed nothing");
        StringBuilder report = new StringBuilder(run(List.of(nvcc, "--version")).lines()
                .filter(l -> l.contains("release")).findFirst().orElse("nvcc") + ":");
        List<String> chosen = new ArrayList<>(List.of(archs.get(0)));
        if (archs.contains("compute_90")) {
            chosen.add("compute_90"); // H100 / H200
        }
        chosen.add(archs.get(archs.size() - 1));
        for (String arch : chosen.stream().distinct().toList()) {
            for (boolean nvrtcOptions : new boolean[] {true, false}) {
                Path ptx = tmp.resolve(arch + (nvrtcOptions ? "-nvrtc" : "-default") + ".ptx");
                List<String> cmd = new ArrayList<>(List.of(nvcc, "--ptx", "-arch=" + arch, "-o", ptx.toString()));
                if (nvrtcOptions) {
                    cmd.addAll(QuantizeKernels.OPTIONS);
                }
                cmd.add(src.toString());
                run(cmd);
                String text = Files.readString(ptx);
                for (String kernel : List.of("qs_diagonal", "qs_absmax", "qs_encode", "qs_decode")) {
                    assertTrue(text.contains(".entry " + kernel + "("), kernel + " missing in " + ptx);
                }
                assertTrue(text.contains("mul.rn.f32"), "no mul.rn.f32 in " + ptx);
                assertTrue(text.contains("div.rn.f32"), "no div.rn.f32 in " + ptx);
                assertFalse(text.contains("fma.rn.f32") || text.contains("fma.rn.ftz.f32"), "fp32 FMA in " + ptx);
                assertFalse(text.contains("mul.rn.ftz.f32") || text.contains("div.rn.ftz.f32"), "flush-to-zero in " + ptx);
                report.append(' ').append(arch).append(nvrtcOptions ? " (NVRTC options)" : " (nvcc defaults)")
                        .append(" ok, ").append(Files.size(ptx)).append(" bytes;");
            }
        }
        Reports.write("kernel-compile", report.toString());
    }
}
