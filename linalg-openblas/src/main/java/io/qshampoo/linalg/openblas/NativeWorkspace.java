package io.qshampoo.linalg.openblas;

import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.IntPointer;
import org.ejml.data.DMatrixRMaj;

/**
 * Off-heap buffers of one thread, kept between calls: a numbered slot grows (by at least a quarter) when a call needs
 * more and is never shrunk. Fresh memory is expensive (a first touch of a page costs microseconds on a VM, and
 * JavaCPP's {@code double[]} overloads malloc and copy per call), so a steady caller touches no new memory.
 * The buffers of a thread that ends are freed by JavaCPP's deallocator once the thread's workspace is collected.
 *
 * <p>Not thread-safe by design: {@link #get()} hands each thread its own.
 */
final class NativeWorkspace {

    /** Slots of double buffers; what each holds is up to the caller. */
    static final int A = 0;
    static final int B = 1;
    static final int C = 2;
    static final int WORK = 3;
    static final int VALUES = 4;
    static final int VECTORS = 5;
    private static final int DOUBLE_SLOTS = 6;

    /** Slots of int buffers. */
    static final int IWORK = 0;
    static final int ISUPPZ = 1;
    static final int SCALAR = 2;
    private static final int INT_SLOTS = 3;

    private static final ThreadLocal<NativeWorkspace> PER_THREAD = ThreadLocal.withInitial(NativeWorkspace::new);

    private final DoublePointer[] doubles = new DoublePointer[DOUBLE_SLOTS];
    private final long[] doubleCapacity = new long[DOUBLE_SLOTS];
    private final IntPointer[] ints = new IntPointer[INT_SLOTS];
    private final long[] intCapacity = new long[INT_SLOTS];
    private double[] heap = new double[0];

    private NativeWorkspace() {
    }

    /** The calling thread's workspace. */
    static NativeWorkspace get() {
        return PER_THREAD.get();
    }

    /** A buffer of at least {@code size} doubles (contents unspecified). */
    DoublePointer doubles(int slot, long size) {
        if (doubles[slot] == null || doubleCapacity[slot] < size) {
            long capacity = Math.max(Math.max(size, 1), doubleCapacity[slot] + doubleCapacity[slot] / 4);
            if (doubles[slot] != null) {
                doubles[slot].close();
            }
            doubles[slot] = new DoublePointer(capacity);
            doubleCapacity[slot] = capacity;
        }
        return doubles[slot];
    }

    /** A buffer of at least {@code size} ints (contents unspecified). */
    IntPointer ints(int slot, long size) {
        if (ints[slot] == null || intCapacity[slot] < size) {
            long capacity = Math.max(Math.max(size, 1), intCapacity[slot] + intCapacity[slot] / 4);
            if (ints[slot] != null) {
                ints[slot].close();
            }
            ints[slot] = new IntPointer(capacity);
            intCapacity[slot] = capacity;
        }
        return ints[slot];
    }

    /** A heap array of at least {@code size} doubles for rearranging data on its way in or out (contents unspecified). */
    double[] heap(int size) {
        if (heap.length < size) {
            heap = new double[Math.max(size, heap.length + heap.length / 4)];
        }
        return heap;
    }

    /** The slot's buffer holding a copy of m's elements, row-major (one bulk JNI copy). */
    DoublePointer load(int slot, DMatrixRMaj m) {
        int count = m.getNumElements();
        DoublePointer p = doubles(slot, count);
        p.put(m.data, 0, count);
        return p;
    }
}
