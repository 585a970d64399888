package io.qshampoo.gpu;

import java.io.File;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where the CUDA libraries may be: an ordered list of directories, and the candidate files of each
 * {@link CudaLibrary} in them. Only the file system is read; nothing is loaded here.
 *
 * <h2>Search order ({@link #standard()})</h2>
 * <ol>
 *   <li>the directories in the system property {@code qshampoo.cuda.libraryPath} and the environment variable
 *       {@code QSHAMPOO_CUDA_LIBRARY_PATH} (path-separator lists);</li>
 *   <li>{@code LD_LIBRARY_PATH};</li>
 *   <li>{@code $CUDA_HOME}, {@code $CUDA_PATH}, {@code $CUDA_ROOT}: {@code lib64}, {@code lib},
 *       {@code targets/<arch>-linux/lib};</li>
 *   <li>{@code /usr/local/cuda} and every {@code /usr/local/cuda-X.Y}, newest version first (same subdirectories;
 *       never {@code lib64/stubs}, whose {@code libcuda.so} is a link-time stub that cannot run);</li>
 *   <li>the distribution's library directories ({@code /usr/lib/<arch>-linux-gnu}, {@code /usr/lib64},
 *       {@code /usr/lib}, WSL's {@code /usr/lib/wsl/lib}, Debian's {@code …/nvidia/current});</li>
 *   <li>Python wheels: {@code nvidia/<package>/lib} under the site-packages of {@code $VIRTUAL_ENV},
 *       {@code $CONDA_PREFIX}, {@code /opt/conda}, {@code ~/.local}, {@code ~/.pyenv/versions/*},
 *       {@code /usr/local} and {@code /usr} (every python3.* directory).</li>
 * </ol>
 * For the driver, the system loader's own search by name ({@code dlopen("libcuda.so.1")}) is tried after these.
 *
 * <h2>Candidate order</h2>
 * Per library: higher major version first (the caller may prefer majors the driver supports, see
 * {@link #candidates(CudaLibrary, int)}), then search order, then the shorter file name; each real file once.
 *
 * <p>Immutable. Cost: one directory listing per search directory and library.
 */
final class LibraryLocator {

    private static final Pattern CUDA_DIR = Pattern.compile("cuda-(\\d+)\\.(\\d+)");

    private final List<Path> directories;
    private final boolean systemSearch;

    private LibraryLocator(List<Path> directories, boolean systemSearch) {
        this.directories = List.copyOf(directories);
        this.systemSearch = systemSearch;
    }

    /** The standard search (class comment), from this process's environment and system properties. */
    static LibraryLocator standard() {
        return standard(System.getenv(), System.getProperty("qshampoo.cuda.libraryPath", ""),
                Path.of(System.getProperty("user.home", "/nonexistent")), System.getProperty("os.arch", "amd64"));
    }

    /** Only the given directories, without the system loader's search: for tests with stand-in libraries. */
    static LibraryLocator only(List<Path> directories) {
        return new LibraryLocator(existing(directories), false);
    }

    static LibraryLocator standard(Map<String, String> env, String property, Path home, String osArch) {
        String arch = osArch.equals("aarch64") ? "aarch64" : "x86_64";
        String target = arch.equals("aarch64") ? "sbsa" : "x86_64";
        List<Path> dirs = new ArrayList<>();
        split(property, dirs);
        split(env.getOrDefault("QSHAMPOO_CUDA_LIBRARY_PATH", ""), dirs);
        split(env.getOrDefault("LD_LIBRARY_PATH", ""), dirs);
        for (String var : List.of("CUDA_HOME", "CUDA_PATH", "CUDA_ROOT")) {
            String v = env.get(var);
            if (v != null && !v.isBlank()) {
                toolkit(Path.of(v), target, dirs);
            }
        }
        toolkit(Path.of("/usr/local/cuda"), target, dirs);
        for (Path p : versionedToolkits(Path.of("/usr/local"))) {
            toolkit(p, target, dirs);
        }
        dirs.add(Path.of("/usr/lib/" + arch + "-linux-gnu"));
        dirs.add(Path.of("/usr/lib/" + arch + "-linux-gnu/nvidia/current"));
        dirs.add(Path.of("/lib/" + arch + "-linux-gnu"));
        dirs.add(Path.of("/usr/lib64"));
        dirs.add(Path.of("/usr/lib"));
        dirs.add(Path.of("/usr/lib/wsl/lib"));
        List<Path> prefixes = new ArrayList<>();
        for (String var : List.of("VIRTUAL_ENV", "CONDA_PREFIX")) {
            String v = env.get(var);
            if (v != null && !v.isBlank()) {
                prefixes.add(Path.of(v));
            }
        }
        prefixes.add(Path.of("/opt/conda"));
        prefixes.add(home.resolve(".local"));
        prefixes.addAll(children(home.resolve(".pyenv/versions")));
        prefixes.add(Path.of("/usr/local"));
        prefixes.add(Path.of("/usr"));
        for (Path prefix : prefixes) {
            for (Path lib : List.of(prefix.resolve("lib"), prefix.resolve("lib64"))) {
                for (Path py : children(lib)) {
                    if (py.getFileName().toString().startsWith("python3")) {
                        for (String site : List.of("site-packages", "dist-packages")) {
                            wheelLibraries(py.resolve(site).resolve("nvidia"), dirs);
                        }
                    }
                }
            }
        }
        wheelLibraries(Path.of("/usr/lib/python3/dist-packages/nvidia"), dirs);
        return new LibraryLocator(existing(dirs), true);
    }

    private static void split(String list, List<Path> out) {
        for (String s : list.split(File.pathSeparator)) {
            if (!s.isBlank()) {
                out.add(Path.of(s.trim()));
            }
        }
    }

    private static void toolkit(Path root, String target, List<Path> out) {
        out.add(root.resolve("lib64"));
        out.add(root.resolve("lib"));
        out.add(root.resolve("targets/" + target + "-linux/lib"));
    }

    /** /usr/local/cuda-X.Y directories, newest version first. */
    static List<Path> versionedToolkits(Path parent) {
        List<Path> out = new ArrayList<>();
        for (Path p : children(parent)) {
            if (CUDA_DIR.matcher(p.getFileName().toString()).matches()) {
                out.add(p);
            }
        }
        out.sort(Comparator.comparing((Path p) -> version(p.getFileName().toString())).reversed());
        return out;
    }

    private static Integer version(String dirName) {
        Matcher m = CUDA_DIR.matcher(dirName);
        return m.matches() ? Integer.parseInt(m.group(1)) * 1000 + Integer.parseInt(m.group(2)) : -1;
    }

    private static void wheelLibraries(Path nvidia, List<Path> out) {
        for (Path pkg : children(nvidia)) {
            out.add(pkg.resolve("lib"));
        }
    }

    private static List<Path> children(Path dir) {
        List<Path> out = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return out;
        }
        try (DirectoryStream<Path> s = Files.newDirectoryStream(dir)) {
            for (Path p : s) {
                if (Files.isDirectory(p)) {
                    out.add(p);
                }
            }
        } catch (IOException | SecurityException e) {
            return out;
        }
        out.sort(Comparator.naturalOrder());
        return out;
    }

    private static List<Path> existing(List<Path> dirs) {
        Set<Path> seen = new LinkedHashSet<>();
        for (Path d : dirs) {
            Path n = d.toAbsolutePath().normalize();
            if (Files.isDirectory(n)) {
                seen.add(n);
            }
        }
        return new ArrayList<>(seen);
    }

    /** The existing search directories, in order. */
    List<Path> directories() {
        return directories;
    }

    /** Whether the system loader's search by name is tried after the directories (false for {@link #only}). */
    boolean systemSearch() {
        return systemSearch;
    }

    /**
     * A candidate file.
     *
     * @param path  the file (a symbolic link is kept as such: the loader records the link's SONAME anyway)
     * @param major the major version its name carries (0 when unversioned)
     */
    record Candidate(Path path, int major) {
    }

    /** Candidates of {@code library}, highest major first (class comment). */
    List<Candidate> candidates(CudaLibrary library) {
        return candidates(library, Integer.MAX_VALUE);
    }

    /**
     * Candidates of {@code library}: those with a major version ≤ {@code preferredMaxMajor} first (highest first),
     * then the others (lowest first); within a major, search order, then the shorter name. Each real file once.
     */
    List<Candidate> candidates(CudaLibrary library, int preferredMaxMajor) {
        List<Candidate> found = new ArrayList<>();
        Set<Path> real = new LinkedHashSet<>();
        for (Path dir : directories) {
            List<Path> files = new ArrayList<>();
            try (DirectoryStream<Path> s = Files.newDirectoryStream(dir, library.stem() + ".so*")) {
                for (Path p : s) {
                    files.add(p);
                }
            } catch (IOException | SecurityException e) {
                continue;
            }
            files.sort(Comparator.comparing((Path p) -> p.getFileName().toString().length())
                    .thenComparing(Comparator.naturalOrder()));
            for (Path p : files) {
                int major = library.majorOf(p.getFileName().toString());
                if (major < 0 || !Files.isRegularFile(p)) {
                    continue;
                }
                Path r;
                try {
                    r = p.toRealPath();
                } catch (IOException e) {
                    continue;
                }
                if (real.add(r)) {
                    found.add(new Candidate(p, major)); // index = search order
                }
            }
        }
        List<Integer> idx = new ArrayList<>();
        for (int k = 0; k < found.size(); k++) {
            idx.add(k);
        }
        idx.sort((x, y) -> {
            int mx = found.get(x).major();
            int my = found.get(y).major();
            boolean px = mx <= preferredMaxMajor;
            boolean py = my <= preferredMaxMajor;
            if (px != py) {
                return px ? -1 : 1;
            }
            if (mx != my) {
                return px ? Integer.compare(my, mx) : Integer.compare(mx, my);
            }
            return Integer.compare(x, y);
        });
        List<Candidate> out = new ArrayList<>();
        for (int k : idx) {
            out.add(found.get(k));
        }
        return out;
    }
}
