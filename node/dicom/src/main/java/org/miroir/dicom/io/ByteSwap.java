package org.miroir.dicom.io;

/** In-place byte order reversal of fixed-width numbers: big endian on the wire, little endian in memory. */
final class ByteSwap {
    private ByteSwap() {}

    /** Reverses each {@code width}-byte unit of b[off, off+len); a trailing partial unit (odd length) is left as is. */
    static void swap(byte[] b, int off, int len, int width) {
        int end = off + len - width;
        switch (width) {
            case 2 -> {
                for (int i = off; i <= end; i += 2) {
                    byte t = b[i]; b[i] = b[i + 1]; b[i + 1] = t;
                }
            }
            case 4 -> {
                for (int i = off; i <= end; i += 4) {
                    byte t = b[i]; b[i] = b[i + 3]; b[i + 3] = t;
                    t = b[i + 1]; b[i + 1] = b[i + 2]; b[i + 2] = t;
                }
            }
            case 8 -> {
                for (int i = off; i <= end; i += 8) {
                    for (int k = 0; k < 4; k++) {
                        byte t = b[i + k]; b[i + k] = b[i + 7 - k]; b[i + 7 - k] = t;
                    }
                }
            }
            default -> { }
        }
    }
}
