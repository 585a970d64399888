package io.qshampoo.gpu;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The backend's four libraries loaded from what a {@link LibraryLocator} finds, with what happened to each: the file
 * loaded, or why none was (not found where searched, or the loader's error per candidate). The driver is loaded
 * first; the others then prefer a major version the driver supports (a newer cuBLAS fails on an older driver).
 * Before a library, its dependencies of the same major version are loaded (see {@link CudaLibrary}).
 *
 * <p>Loading only maps the libraries ({@code dlopen}); nothing talks to a GPU here.
 */
final class CudaLibrarySet {

    /**
     * What happened to one library.
     *
     * @param library which
     * @param loaded  the loaded library, or null
     * @param detail  the file loaded, or why none was
     */
    record Status(CudaLibrary library, NativeLibrary loaded, String detail) {
    }

    private final LibraryLocator locator;
    private final Map<CudaLibrary, Status> status = new EnumMap<>(CudaLibrary.class);
    private Driver driver;
    private int driverVersion = -1;

    private CudaLibrarySet(LibraryLocator locator) {
        this.locator = locator;
    }

    static CudaLibrarySet load(LibraryLocator locator) {
        CudaLibrarySet s = new CudaLibrarySet(locator);
        s.loadDriver();
        int preferred = s.driverVersion > 0 ? s.driverVersion / 1000 : Integer.MAX_VALUE;
        s.loadWithDependencies(CudaLibrary.NVRTC, preferred, List.of(CudaLibrary.NVRTC_BUILTINS));
        s.loadWithDependencies(CudaLibrary.CUBLAS, preferred, List.of(CudaLibrary.CUBLAS_LT));
        s.loadWithDependencies(CudaLibrary.CUSOLVER, preferred,
                List.of(CudaLibrary.CUBLAS_LT, CudaLibrary.CUBLAS, CudaLibrary.NVJITLINK, CudaLibrary.CUSPARSE));
        return s;
    }

    private void loadDriver() {
        List<String> failures = new ArrayList<>();
        // libcuda.so.1 is the driver's ABI name; its target is libcuda.so.<driver version>
        List<LibraryLocator.Candidate> candidates = new ArrayList<>(locator.candidates(CudaLibrary.DRIVER));
        candidates.sort((x, y) -> Boolean.compare(x.major() != 1, y.major() != 1));
        for (LibraryLocator.Candidate c : candidates) {
            try {
                accept(CudaLibrary.DRIVER, NativeLibrary.load(CudaLibrary.DRIVER.label(), c.path()));
                return;
            } catch (IllegalArgumentException | CudaUnavailableException e) {
                failures.add(c.path() + ": " + e.getMessage());
            }
        }
        if (locator.systemSearch()) {
            try {
                accept(CudaLibrary.DRIVER, NativeLibrary.loadByName(CudaLibrary.DRIVER.label(), "libcuda.so.1"));
                return;
            } catch (IllegalArgumentException | CudaUnavailableException e) {
                failures.add("libcuda.so.1 by the system loader's search: " + e.getMessage());
            }
        }
        boolean onlySearchFailed = failures.size() == 1 && failures.get(0).startsWith("libcuda.so.1 by the system");
        status.put(CudaLibrary.DRIVER, new Status(CudaLibrary.DRIVER, null, failures.isEmpty() || onlySearchFailed
                ? "libcuda.so.1 is in none of the searched directories" + (onlySearchFailed
                        ? " and the system loader cannot find it either (" + failures.get(0).substring(
                                "libcuda.so.1 by the system loader's search: ".length()) + ")" : "")
                        + ": no NVIDIA driver is installed here"
                : "libcuda.so.1 could not be loaded: " + String.join("; ", failures)));
    }

    private void accept(CudaLibrary lib, NativeLibrary loaded) {
        Driver d = new Driver(loaded); // binds every symbol: a library without them is refused here
        driver = d;
        try {
            driverVersion = d.driverVersion();
        } catch (CudaException e) {
            driverVersion = -1;
        }
        status.put(lib, new Status(lib, loaded, loaded.file()));
    }

    private void loadWithDependencies(CudaLibrary lib, int preferredMaxMajor, List<CudaLibrary> dependencies) {
        List<LibraryLocator.Candidate> candidates = locator.candidates(lib, preferredMaxMajor);
        if (candidates.isEmpty()) {
            status.put(lib, new Status(lib, null, lib.stem() + ".so.* not found in the " + locator.directories().size()
                    + " searched directories"));
            return;
        }
        List<String> failures = new ArrayList<>();
        for (LibraryLocator.Candidate c : candidates) {
            for (CudaLibrary dep : dependencies) {
                preload(dep, c);
            }
            try {
                NativeLibrary loaded = NativeLibrary.load(lib.label(), c.path());
                status.put(lib, new Status(lib, loaded, c.path().toString()));
                return;
            } catch (IllegalArgumentException e) {
                failures.add(c.path() + ": " + e.getMessage());
            }
        }
        status.put(lib, new Status(lib, null, "found but not loadable: " + String.join("; ", failures)));
    }

    /** Loads dep of the same major version as main (same directory first); a failure is left to main's load to report. */
    private void preload(CudaLibrary dep, LibraryLocator.Candidate main) {
        if (status.containsKey(dep) && status.get(dep).loaded() != null) {
            return;
        }
        List<LibraryLocator.Candidate> deps = new ArrayList<>(locator.candidates(dep));
        deps.removeIf(d -> d.major() != main.major());
        deps.sort((x, y) -> Boolean.compare(!x.path().getParent().equals(main.path().getParent()),
                !y.path().getParent().equals(main.path().getParent())));
        for (LibraryLocator.Candidate d : deps) {
            try {
                status.put(dep, new Status(dep, NativeLibrary.load(dep.label(), d.path()), d.path().toString()));
                return;
            } catch (IllegalArgumentException e) {
                // main's own load names what is missing
            }
        }
    }

    Optional<NativeLibrary> library(CudaLibrary lib) {
        Status s = status.get(lib);
        return s == null ? Optional.empty() : Optional.ofNullable(s.loaded());
    }

    Status status(CudaLibrary lib) {
        return status.get(lib);
    }

    /** The driver binding, if libcuda loaded. */
    Optional<Driver> driver() {
        return Optional.ofNullable(driver);
    }

    /** cuDriverGetVersion (e.g. 13000), or −1. */
    int driverVersion() {
        return driverVersion;
    }

    LibraryLocator locator() {
        return locator;
    }
}
