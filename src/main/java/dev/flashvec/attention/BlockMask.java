package dev.flashvec.attention;

/**
 * Any {@link MaskMod} with its tiles classified ahead of time (FlexAttention's {@code create_block_mask}):
 * one scan of every pair fills a table of {@code EMPTY/FULL/PARTIAL} per {@code blockSize²} cell and
 * (batch, head), so an arbitrary predicate gets the kernel's tile skipping. Pairs are still decided by the
 * wrapped predicate; a rectangle is EMPTY or FULL when every cell it touches is, else PARTIAL.
 */
final class BlockMask implements MaskMod {
    private static final byte EMPTY = 0, FULL = 1, PARTIAL = 2;

    private final MaskMod mask;
    private final int batch, heads, sq, sk, blockSize, queryBlocks, keyBlocks;
    private final byte[] cells;

    BlockMask(MaskMod mask, int batch, int heads, int sq, int sk, int blockSize) {
        if (mask == null) {
            throw new IllegalArgumentException("mask must not be null");
        }
        if (batch < 1 || heads < 1 || sq < 1 || sk < 1 || blockSize < 1) {
            throw new IllegalArgumentException("block mask sizes must be >= 1 but were batch=" + batch + ", heads="
                    + heads + ", sq=" + sq + ", sk=" + sk + ", blockSize=" + blockSize);
        }
        this.mask = mask;
        this.batch = batch;
        this.heads = heads;
        this.sq = sq;
        this.sk = sk;
        this.blockSize = blockSize;
        this.queryBlocks = (sq + blockSize - 1) / blockSize;
        this.keyBlocks = (sk + blockSize - 1) / blockSize;
        long n = (long) batch * heads * queryBlocks * keyBlocks;
        if (n > 1 << 28) {
            throw new IllegalArgumentException("block mask table of " + n + " cells is too large: use a larger blockSize");
        }
        this.cells = new byte[(int) n];
        for (int b = 0; b < batch; b++) {
            for (int h = 0; h < heads; h++) {
                for (int qb = 0; qb < queryBlocks; qb++) {
                    for (int kb = 0; kb < keyBlocks; kb++) {
                        cells[cell(b, h, qb, kb)] = scan(b, h, qb, kb);
                    }
                }
            }
        }
    }

    private int cell(int b, int h, int qb, int kb) {
        return ((b * heads + h) * queryBlocks + qb) * keyBlocks + kb;
    }

    private byte scan(int b, int h, int qb, int kb) {
        long allowed = 0, total = 0;
        for (int i = qb * blockSize; i < Math.min(sq, (qb + 1) * blockSize); i++) {
            for (int j = kb * blockSize; j < Math.min(sk, (kb + 1) * blockSize); j++) {
                total++;
                allowed += mask.allowed(b, h, i, j) ? 1 : 0;
            }
        }
        return allowed == 0 ? EMPTY : allowed == total ? FULL : PARTIAL;
    }

    @Override
    public boolean allowed(int b, int h, int i, int j) {
        return mask.allowed(b, h, i, j);
    }

    @Override
    public TileClass classify(int b, int h, int i0, int i1, int j0, int j1) {
        int bb = batch == 1 ? 0 : b, hh = heads == 1 ? 0 : h;
        boolean anyAllowed = false, anyDisallowed = false;
        for (int qb = i0 / blockSize; qb <= (i1 - 1) / blockSize; qb++) {
            for (int kb = j0 / blockSize; kb <= (j1 - 1) / blockSize; kb++) {
                byte c = cells[cell(bb, hh, qb, kb)];
                anyAllowed |= c != EMPTY;
                anyDisallowed |= c != FULL;
            }
        }
        return !anyAllowed ? TileClass.EMPTY : !anyDisallowed ? TileClass.FULL : TileClass.PARTIAL;
    }

    @Override
    public void checkShape(int batch, int heads, int sq, int sk) {
        if (sq != this.sq || sk != this.sk || (this.batch != 1 && this.batch != batch)
                || (this.heads != 1 && this.heads != heads)) {
            throw new IllegalArgumentException("block mask was built for B=" + this.batch + ", H=" + this.heads + ", Sq="
                    + this.sq + ", Sk=" + this.sk + " but the call has B=" + batch + ", Hq=" + heads + ", Sq=" + sq
                    + ", Sk=" + sk + " (1 = the predicate does not depend on batch or head)");
        }
        mask.checkShape(batch, heads, sq, sk);
    }

    @Override
    public String toString() {
        return "blockMask(" + mask + ", block=" + blockSize + ")";
    }
}
