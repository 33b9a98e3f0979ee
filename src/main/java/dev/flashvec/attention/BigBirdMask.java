package dev.flashvec.attention;

import java.util.SplittableRandom;

/**
 * BigBird's block-sparse pattern (Zaheer et al.): global, sliding-window and random key blocks per query
 * block, held as a small table of {@code ⌈Sq/bs⌉ × ⌈Sk/bs⌉} flags. The pattern is constant on each block
 * cell, so a rectangle's class follows exactly from the cells it touches.
 */
final class BigBirdMask implements MaskMod {
    private final int sq, sk, blockSize, queryBlocks, keyBlocks;
    private final boolean[] cell;
    private final String description;

    BigBirdMask(int sq, int sk, int blockSize, int windowBlocks, int globalBlocks, int randomBlocks, long seed) {
        if (sq < 1 || sk < 1) {
            throw new IllegalArgumentException("BigBird sequence lengths must be >= 1 but were sq=" + sq + ", sk=" + sk);
        }
        if (blockSize < 1) {
            throw new IllegalArgumentException("BigBird blockSize must be >= 1 but was " + blockSize);
        }
        if (windowBlocks < 0 || globalBlocks < 0 || randomBlocks < 0) {
            throw new IllegalArgumentException("BigBird block counts must be >= 0 but were window=" + windowBlocks
                    + ", global=" + globalBlocks + ", random=" + randomBlocks);
        }
        this.sq = sq;
        this.sk = sk;
        this.blockSize = blockSize;
        this.queryBlocks = (sq + blockSize - 1) / blockSize;
        this.keyBlocks = (sk + blockSize - 1) / blockSize;
        if ((long) queryBlocks * keyBlocks > 1 << 28) {
            throw new IllegalArgumentException("BigBird block table of " + queryBlocks + "x" + keyBlocks
                    + " blocks is too large: use a larger blockSize");
        }
        this.cell = new boolean[queryBlocks * keyBlocks];
        SplittableRandom random = new SplittableRandom(seed);
        int[] candidates = new int[keyBlocks];
        for (int qb = 0; qb < queryBlocks; qb++) {
            int n = 0;
            for (int kb = 0; kb < keyBlocks; kb++) {
                boolean fixed = qb < globalBlocks || kb < globalBlocks || Math.abs(qb - kb) <= windowBlocks;
                cell[qb * keyBlocks + kb] = fixed;
                if (!fixed) {
                    candidates[n++] = kb;
                }
            }
            // randomBlocks distinct blocks among those not already allowed (partial Fisher-Yates shuffle)
            for (int r = 0; r < Math.min(randomBlocks, n); r++) {
                int pick = r + random.nextInt(n - r);
                int kb = candidates[pick];
                candidates[pick] = candidates[r];
                candidates[r] = kb;
                cell[qb * keyBlocks + kb] = true;
            }
        }
        this.description = "bigBird(sq=" + sq + ", sk=" + sk + ", block=" + blockSize + ", window=" + windowBlocks
                + ", global=" + globalBlocks + ", random=" + randomBlocks + ", seed=" + seed + ")";
    }

    @Override
    public boolean allowed(int b, int h, int i, int j) {
        return cell[(i / blockSize) * keyBlocks + j / blockSize];
    }

    @Override
    public TileClass classify(int b, int h, int i0, int i1, int j0, int j1) {
        int allowed = 0, total = 0;
        for (int qb = i0 / blockSize; qb <= (i1 - 1) / blockSize; qb++) {
            for (int kb = j0 / blockSize, base = qb * keyBlocks; kb <= (j1 - 1) / blockSize; kb++) {
                total++;
                if (cell[base + kb]) {
                    allowed++;
                }
            }
        }
        return TileClass.of(allowed, total);
    }

    /** Fraction of block cells allowed (a measure of the pattern's density). */
    double density() {
        int n = 0;
        for (boolean c : cell) {
            n += c ? 1 : 0;
        }
        return (double) n / cell.length;
    }

    @Override
    public void checkShape(int batch, int heads, int sq, int sk) {
        if (sq != this.sq || sk != this.sk) {
            throw new IllegalArgumentException("BigBird mask was built for Sq=" + this.sq + ", Sk=" + this.sk
                    + " but the call has Sq=" + sq + ", Sk=" + sk);
        }
    }

    @Override
    public String toString() {
        return description;
    }
}
