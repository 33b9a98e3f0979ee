package dev.flashvec.attention;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flashvec.testing.Property;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Tile classification of the mask patterns against a scan of every pair of the rectangle. */
class MaskPatternsTest {
    @Test
    void structuredPatternsClassifyEveryRectangleExactly() {
        Property.check("exact tile classification", r -> FamilyCase.patternOnly(r, 200, 8), c -> {
            MaskMod m = c.maskMod();
            boolean exact = c.pattern() != FamilyCase.Pattern.LAMBDA && c.pattern() != FamilyCase.Pattern.GLOBAL_AND_WINDOW
                    && c.pattern() != FamilyCase.Pattern.BLOCK_MASK;
            Random r = new Random(c.seed());
            int sq = c.base().sq(), sk = c.base().sk();
            for (int t = 0; t < 300; t++) {
                int i0 = r.nextInt(sq), i1 = i0 + 1 + r.nextInt(Math.min(sq - i0, 70));
                int j0 = r.nextInt(sk), j1 = j0 + 1 + r.nextInt(Math.min(sk - j0, 70));
                long allowed = 0;
                for (int i = i0; i < i1; i++) {
                    for (int j = j0; j < j1; j++) {
                        allowed += m.allowed(0, 0, i, j) ? 1 : 0;
                    }
                }
                TileClass scan = TileClass.of(allowed, (long) (i1 - i0) * (j1 - j0));
                TileClass got = m.classify(0, 0, i0, i1, j0, j1);
                String where = m + " on [" + i0 + "," + i1 + ")x[" + j0 + "," + j1 + ")";
                if (exact) {
                    assertEquals(scan, got, where);
                } else {
                    assertTrue(got == TileClass.PARTIAL || got == scan, where + ": " + got + " but the scan says " + scan);
                }
            }
        });
    }

    @Test
    void blockMaskOfBlockAlignedRectanglesIsExact() {
        MaskMod m = MaskPatterns.blockMask(FamilyCase::blocky, 2, 3, 100, 90, 10);
        for (int b = 0; b < 2; b++) {
            for (int h = 0; h < 3; h++) {
                for (int i0 = 0; i0 < 100; i0 += 10) {
                    for (int j0 = 0; j0 < 90; j0 += 10) {
                        long allowed = 0;
                        for (int i = i0; i < i0 + 10; i++) {
                            for (int j = j0; j < j0 + 10; j++) {
                                allowed += FamilyCase.blocky(b, h, i, j) ? 1 : 0;
                            }
                        }
                        assertEquals(TileClass.of(allowed, 100), m.classify(b, h, i0, i0 + 10, j0, j0 + 10),
                                "b=" + b + " h=" + h + " cell " + i0 + "," + j0);
                    }
                }
            }
        }
        var e = assertThrows(IllegalArgumentException.class, () -> m.checkShape(2, 4, 100, 90));
        assertTrue(e.getMessage().contains("H=3") && e.getMessage().contains("Hq=4"), e.getMessage());
    }

    @Test
    void documentsAllowSameDocumentPairsOnly() {
        MaskMod docs = MaskPatterns.documents(new int[] {2, 3}, false);
        assertTrue(docs.allowed(0, 0, 1, 0));
        assertTrue(!docs.allowed(0, 0, 1, 2));
        assertTrue(docs.allowed(0, 0, 2, 4));
        assertTrue(!docs.allowed(0, 0, 5, 5), "position 5 is past the last document");
        MaskMod causal = MaskPatterns.documents(new int[] {2, 3}, true);
        assertTrue(!causal.allowed(0, 0, 2, 4));
        assertTrue(causal.allowed(0, 0, 4, 2));
    }

    @Test
    void prefixLmIsBidirectionalOverThePrefixOnly() {
        MaskMod m = MaskPatterns.prefixLm(3);
        assertTrue(m.allowed(0, 0, 0, 2));
        assertTrue(!m.allowed(0, 0, 0, 3));
        assertTrue(m.allowed(0, 0, 5, 5));
        assertTrue(!m.allowed(0, 0, 4, 5));
    }

    @Test
    void bigBirdHasItsWindowGlobalAndRandomBlocks() {
        BigBirdMask m = new BigBirdMask(64, 64, 8, 1, 1, 2, 5);
        for (int qb = 0; qb < 8; qb++) {
            int count = 0;
            for (int kb = 0; kb < 8; kb++) {
                count += m.allowed(0, 0, qb * 8, kb * 8) ? 1 : 0;
                if (kb == 0 || Math.abs(qb - kb) <= 1) {
                    assertTrue(m.allowed(0, 0, qb * 8 + 7, kb * 8 + 3), "global or window block " + qb + "," + kb);
                }
            }
            int fixed = qb == 0 ? 8 : 1 + (int) java.util.stream.IntStream.rangeClosed(qb - 1, qb + 1)
                    .filter(kb -> kb >= 1 && kb < 8).count();
            assertEquals(Math.min(8, fixed + 2), count, "query block " + qb);
        }
        assertEquals(m.toString(), new BigBirdMask(64, 64, 8, 1, 1, 2, 5).toString());
    }

    @Test
    void badPatternArgumentsAreRejectedByName() {
        assertThrows(IllegalArgumentException.class, () -> MaskPatterns.globalTokens(-1));
        assertThrows(IllegalArgumentException.class, () -> MaskPatterns.prefixLm(-2));
        var e = assertThrows(IllegalArgumentException.class, () -> MaskPatterns.documents(new int[] {3, 0}, false));
        assertTrue(e.getMessage().contains("length[1]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> MaskPatterns.bigBird(10, 10, 0, 1, 1, 1, 1));
        assertTrue(e.getMessage().contains("blockSize"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> MaskPatterns.slidingWindow(-3, 1));
        assertTrue(e.getMessage().contains("(-3, 1)"), e.getMessage());
    }
}
