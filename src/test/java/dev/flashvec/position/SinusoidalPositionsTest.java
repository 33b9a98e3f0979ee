package dev.flashvec.position;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The sinusoidal table against values computed by hand, offsets and adding to embeddings. */
class SinusoidalPositionsTest {
    @Test
    void matchesTheFormula() {
        float[] pe = SinusoidalPositions.table(3, 5, 0);
        // Position 0: sin 0 = 0 on even dims, cos 0 = 1 on odd ones.
        assertArrayEquals(new float[] {0, 1, 0, 1, 0}, Arrays.copyOfRange(pe, 0, 5));
        // Position 2, dims 2 and 3: angle 2 / 10000^(2/5); dim 4 (odd D, last one a sine): 2 / 10000^(4/5).
        double a = 2 / Math.pow(10000, 0.4), b = 2 / Math.pow(10000, 0.8);
        assertEquals((float) Math.sin(2), pe[10]);
        assertEquals((float) Math.cos(2), pe[11]);
        assertEquals((float) Math.sin(a), pe[12]);
        assertEquals((float) Math.cos(a), pe[13]);
        assertEquals((float) Math.sin(b), pe[14]);
    }

    @Test
    void offsetEqualsSlicing() {
        float[] whole = SinusoidalPositions.table(10, 6, 0);
        assertArrayEquals(Arrays.copyOfRange(whole, 4 * 6, 10 * 6), SinusoidalPositions.table(6, 6, 4));
    }

    @Test
    void addsToEveryBatchEntry() {
        float[] x = new float[2 * 3 * 4];
        Arrays.fill(x, 1f);
        SinusoidalPositions.addTo(x, 2, 3, 4, 1);
        float[] pe = SinusoidalPositions.table(3, 4, 1);
        for (int i = 0; i < x.length; i++) {
            assertEquals(1f + pe[i % pe.length], x[i]);
        }
        var e = assertThrows(IllegalArgumentException.class, () -> SinusoidalPositions.addTo(new float[5], 2, 3, 4, 0));
        assertEquals("x must have batch·seq·dim = 24 elements but has 5", e.getMessage());
    }
}
