package io.qshampoo.cli;

import java.io.PrintStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.MalformedURLException;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code qshampoo gpu-info}: what GPU backend this build can use, and why it cannot run when it cannot. The CUDA
 * backend (module {@code gpu}, class {@code io.qshampoo.gpu.CudaBackend}) needs JDK 22+ for the Foreign Function &amp;
 * Memory API, so this module (JDK 17) never depends on it at compile time: the command finds it by reflection, on the
 * class path or as a jar ({@code --gpu-jar}, the system property {@code qshampoo.gpu.jar}, or the build's own
 * {@code gpu/target/qshampoo-gpu-*.jar} beside this jar's {@code cli/target}), and prints its report
 * ({@code CudaBackend.describe()}: libraries found, driver, devices, and what cannot run). Exit code 0 whatever it
 * finds: the command reports, it does not judge; only a {@code --gpu-jar} that is missing or is not the gpu module's
 * jar is bad input (exit code 2), since the user named it.
 */
@Command(name = "gpu-info", mixinStandardHelpOptions = true,
        description = "Report whether a GPU backend is available, and why not if it is not.")
final class GpuInfoCommand implements Callable<Integer> {

    static final String BACKEND = "io.qshampoo.gpu.CudaBackend";

    @Option(names = "--gpu-jar", paramLabel = "JAR",
            description = "The gpu module's jar (default: the class path, -Dqshampoo.gpu.jar, or gpu/target/ of this build).")
    Path gpuJar;

    PrintStream out = System.out;

    @Override
    public Integer call() {
        if (gpuJar != null) {
            requireBackendJar(gpuJar);
        }
        int feature = Runtime.version().feature();
        out.println("Java runtime: " + Runtime.version() + " (" + System.getProperty("java.vendor") + ")");
        boolean ffm = feature >= 22 && present("java.lang.foreign.Linker", ClassLoader.getSystemClassLoader());
        out.println("Foreign Function & Memory API: " + (ffm ? "available"
                : "not available: java.lang.foreign is final since JDK 22 and this runtime is JDK " + feature));
        ClassLoader loader = GpuInfoCommand.class.getClassLoader();
        String where = "the class path";
        if (!present(BACKEND, loader)) {
            Path jar = locateJar();
            if (jar == null) {
                out.println("GPU backend: not in this build. The gpu module is built only by Maven running on JDK 22 or newer"
                        + " (JAVA_HOME=<jdk 22+> ./mvnw -B -pl gpu -am package), and was not found on the class path, by"
                        + " --gpu-jar, -Dqshampoo.gpu.jar or in gpu/target/. The CPU reference is used.");
                return 0;
            }
            where = jar.toString();
            try {
                loader = new URLClassLoader(new URL[] {jar.toUri().toURL()}, loader);
            } catch (MalformedURLException e) {
                out.println("GPU backend: cannot load " + jar + ": " + e.getMessage());
                return 0;
            }
        }
        if (!ffm) {
            out.println("GPU backend: found (" + where + ") but cannot run on this runtime: it needs JDK 22 or newer. Run"
                    + " this command with one, e.g. <jdk 22+>/bin/java --enable-native-access=ALL-UNNAMED -jar"
                    + " cli/target/qshampoo.jar gpu-info");
            return 0;
        }
        try {
            Class<?> backend = Class.forName(BACKEND, true, loader);
            Method describe = backend.getMethod("describe");
            out.println("GPU backend: found (" + where + ")");
            out.print(describe.invoke(null));
        } catch (ClassNotFoundException | NoSuchMethodException | IllegalAccessException | LinkageError e) {
            out.println("GPU backend: found (" + where + ") but not usable: " + e);
        } catch (InvocationTargetException e) {
            out.println("GPU backend: its report failed: " + e.getCause());
        }
        return 0;
    }

    private static boolean present(String className, ClassLoader loader) {
        try {
            Class.forName(className, false, loader);
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }

    /** A --gpu-jar that is missing or lacks the backend class is bad input (exit code 2), not "no GPU". */
    static void requireBackendJar(Path jar) {
        if (!Files.isRegularFile(jar)) {
            throw new IllegalArgumentException("--gpu-jar " + jar + ": no such file");
        }
        String entry = BACKEND.replace('.', '/') + ".class";
        try (java.util.zip.ZipFile zip = new java.util.zip.ZipFile(jar.toFile())) {
            if (zip.getEntry(entry) == null) {
                throw new IllegalArgumentException("--gpu-jar " + jar + " does not hold " + entry
                        + "; expected the gpu module's jar (gpu/target/qshampoo-gpu-*.jar)");
            }
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException("--gpu-jar " + jar + " is not a readable jar (" + e.getMessage() + ")");
        }
    }

    /** --gpu-jar, then -Dqshampoo.gpu.jar, then gpu/target/qshampoo-gpu-*.jar of the build this command came from. */
    Path locateJar() {
        if (gpuJar != null) {
            return Files.isRegularFile(gpuJar) ? gpuJar : null;
        }
        String property = System.getProperty("qshampoo.gpu.jar");
        if (property != null && !property.isBlank()) {
            Path p = Path.of(property);
            return Files.isRegularFile(p) ? p : null;
        }
        try {
            // cli/target/qshampoo.jar or cli/target/classes → gpu/target
            Path self = Path.of(GpuInfoCommand.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            Path target = self.getParent();
            Path gpuTarget = target == null || target.getParent() == null || target.getParent().getParent() == null ? null
                    : target.getParent().getParent().resolve("gpu").resolve("target");
            return gpuTarget == null ? null : newestJar(gpuTarget);
        } catch (URISyntaxException | SecurityException | IllegalArgumentException | NullPointerException e) {
            return null;
        }
    }

    private static Path newestJar(Path dir) {
        if (!Files.isDirectory(dir)) {
            return null;
        }
        List<Path> jars = new ArrayList<>();
        try (DirectoryStream<Path> s = Files.newDirectoryStream(dir, "qshampoo-gpu-*.jar")) {
            for (Path p : s) {
                String name = p.getFileName().toString();
                if (!name.endsWith("-tests.jar") && !name.endsWith("-sources.jar")) {
                    jars.add(p);
                }
            }
        } catch (java.io.IOException e) {
            return null;
        }
        jars.sort((a, b) -> Long.compare(b.toFile().lastModified(), a.toFile().lastModified()));
        return jars.isEmpty() ? null : jars.get(0);
    }
}
