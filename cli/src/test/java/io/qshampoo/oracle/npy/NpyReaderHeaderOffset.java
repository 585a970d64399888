package io.qshampoo.oracle.npy;

/** Where the payload of an npy file starts (test helper; the reader checks everything else). */
final class NpyReaderHeaderOffset {

    private NpyReaderHeaderOffset() {
    }

    static int payloadStart(byte[] npy) {
        int major = npy[6];
        return major == 1 ? 10 + ((npy[8] & 0xff) | (npy[9] & 0xff) << 8)
                : 12 + ((npy[8] & 0xff) | (npy[9] & 0xff) << 8 | (npy[10] & 0xff) << 16 | (npy[11] & 0xff) << 24);
    }
}
