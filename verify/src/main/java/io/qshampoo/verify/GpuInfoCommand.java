package io.qshampoo.verify;

import java.util.concurrent.Callable;

import picocli.CommandLine.Command;

/**
 * {@code qshampoo gpu-info}: what GPU backend this build can use. The CUDA backend (module {@code gpu})
 * needs JDK 22+ for the Foreign Function &amp; Memory API; this command says what it finds and why it
 * cannot run.
 */
@Command(name = "gpu-info", mixinStandardHelpOptions = true,
        description = "Report whether a GPU backend is available, and why not if it is not.")
final class GpuInfoCommand implements Callable<Integer> {

    @Override
    public Integer call() {
        int feature = Runtime.version().feature();
        System.out.println("Java runtime: " + Runtime.version() + " (" + System.getProperty("java.vendor") + ")");
        boolean backend = isPresent("io.qshampoo.gpu.CudaBackend");
        if (!backend) {
            System.out.println("GPU backend: not in this build. The gpu module builds only on JDK 22 or newer"
                    + (feature < 22 ? " (this runtime is JDK " + feature + ")" : "") + "; the CPU reference is used.");
            return 0;
        }
        System.out.println("GPU backend: present (see its own report).");
        return 0;
    }

    private static boolean isPresent(String className) {
        try {
            Class.forName(className, false, GpuInfoCommand.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException e) {
            return false;
        }
    }
}
