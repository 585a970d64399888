package io.qshampoo.gpu;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * The {@code void** kernelParams} block of {@code cuLaunchKernel}: an array of pointers, entry k pointing at the
 * value of parameter k. Every parameter of qshampoo's kernels is 64 bits wide (a CUdeviceptr or a
 * {@code long long}; see quantize.cu), so each value is an 8-byte slot and no parameter width can be mismatched.
 */
final class KernelArgs {

    private KernelArgs() {
    }

    /** The parameter block for {@code values}, in order, allocated in {@code arena}. */
    static MemorySegment of(Arena arena, long... values) {
        MemorySegment slots = arena.allocate(JAVA_LONG, Math.max(1, values.length));
        MemorySegment pointers = arena.allocate(ADDRESS, Math.max(1, values.length));
        for (int k = 0; k < values.length; k++) {
            slots.setAtIndex(JAVA_LONG, k, values[k]);
            pointers.setAtIndex(ADDRESS, k, slots.asSlice(k * JAVA_LONG.byteSize(), JAVA_LONG.byteSize()));
        }
        return pointers;
    }
}
