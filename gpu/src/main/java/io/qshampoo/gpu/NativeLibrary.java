package io.qshampoo.gpu;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.nio.file.Path;
import java.util.Optional;

/**
 * One shared library loaded with {@code dlopen} (through {@link SymbolLookup#libraryLookup}) for the life of the
 * JVM ({@link Arena#global()}: CUDA libraries keep global state and are never unloaded), and the downcall handles
 * made from its symbols.
 *
 * @param label  what it is, e.g. "cuBLAS"
 * @param file   the path it was loaded from, or the bare name the system loader resolved (e.g. "libcuda.so.1")
 * @param lookup its symbols
 */
@SuppressWarnings("restricted") // native access is this class's purpose
record NativeLibrary(String label, String file, SymbolLookup lookup) {

    private static final Linker LINKER = Linker.nativeLinker();

    /**
     * Loads a library by path.
     *
     * @throws IllegalArgumentException with the loader's reason when it cannot be loaded
     */
    static NativeLibrary load(String label, Path path) {
        return new NativeLibrary(label, path.toString(), SymbolLookup.libraryLookup(path, Arena.global()));
    }

    /** Loads a library by name through the system loader's search (ld.so.cache, the default directories). */
    static NativeLibrary loadByName(String label, String name) {
        return new NativeLibrary(label, name, SymbolLookup.libraryLookup(name, Arena.global()));
    }

    /**
     * The downcall handle of {@code symbol}.
     *
     * @throws CudaUnavailableException when the library has no such symbol (too old a version, or not the library
     *                                  it claims to be)
     */
    MethodHandle function(String symbol, FunctionDescriptor descriptor) {
        return optionalFunction(symbol, descriptor).orElseThrow(() -> new CudaUnavailableException(label + " ("
                + file + ") has no symbol " + symbol + "; it is too old or not the library expected"));
    }

    /** The downcall handle of {@code symbol}, or empty when the library lacks it (optional, version-dependent calls). */
    Optional<MethodHandle> optionalFunction(String symbol, FunctionDescriptor descriptor) {
        Optional<MemorySegment> address = lookup.find(symbol);
        return address.map(a -> LINKER.downcallHandle(a, descriptor));
    }
}
