package dev.flashvec.decode;

/**
 * A software prefetch spread over the arithmetic: the cache lines of the next tile's keys and values, touched
 * (one load each) a few at a time from inside the current tile's P·V loop.
 *
 * <p>Why: the hardware prefetchers stop at 4 KiB page boundaries and a tile spans many pages, so without
 * touching the next tile the kernel waits on memory at each page. Touching the whole next tile up front
 * helped, but then the loads and the arithmetic ran one after the other (JFR put 60% of the samples on
 * those loads). Spread over the loop, the misses are in flight while the FMAs run.
 */
final class Touch {
    private static final int LINE_BYTES = 64;
    private KvStore keys, values;
    private int keyPos, keyEnd, valuePos, valueEnd, step, perCall;
    /** The loads' sum, kept so that the JIT must perform them. */
    int sink;

    /** Aims at storage rows {@code [row0, row0 + n)} of both stores (the same type). */
    void set(KvStore k, KvStore v, int row0, int n) {
        keys = k;
        values = v;
        step = LINE_BYTES / k.type.bytesPerElement();
        keyPos = row0 * k.dim;
        keyEnd = (row0 + n) * k.dim;
        valuePos = row0 * v.dim;
        valueEnd = (row0 + n) * v.dim;
        // Enough lines per call that one call per key of a full tile covers the whole next tile.
        int lines = (Math.max(keyEnd - keyPos, valueEnd - valuePos) + step - 1) / step;
        perCall = (lines + DecodeKernel.TILE - 1) / DecodeKernel.TILE;
    }

    /** Nothing left to touch. */
    void clear() {
        keyPos = keyEnd;
        valuePos = valueEnd;
    }

    /** Touches the next few lines of the keys and of the values, if any are left. */
    void next() {
        for (int i = 0; i < perCall; i++) {
            if (keyPos < keyEnd) {
                sink += load(keys, keyPos);
                keyPos += step;
            }
            if (valuePos < valueEnd) {
                sink += load(values, valuePos);
                valuePos += step;
            }
        }
    }

    /** Touches every line not touched yet. */
    void rest() {
        for (; keyPos < keyEnd; keyPos += step) {
            sink += load(keys, keyPos);
        }
        for (; valuePos < valueEnd; valuePos += step) {
            sink += load(values, valuePos);
        }
    }

    private static int load(KvStore st, int i) {
        return switch (st.type) {
            case FP32 -> Float.floatToRawIntBits(st.f32[i]);
            case FP16, BF16 -> st.f16[i];
            case INT8 -> st.i8[i];
        };
    }
}
