package dev.flashvec.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ErrorStatsTest {
    @Test
    void toleranceIsAbsolutePlusRelative() {
        ErrorStats s = new ErrorStats();
        s.add(1e-5, 0); // exactly at the absolute bound
        s.add(100.0105, 100); // 1e-5 + 1e-4·100 = 0.01001 ≥ 0.0105? no: outside
        assertFalse(s.passed());
        ErrorStats ok = new ErrorStats();
        ok.add(100.01, 100);
        ok.add(-2.0001, -2);
        assertTrue(ok.passed());
        assertEquals(0.01, ok.maxAbs(), 1e-9);
        assertEquals(1e-4, ok.maxRel(), 1e-9);
    }

    @Test
    void nonFiniteValuesMustMatchExactly() {
        ErrorStats s = new ErrorStats();
        s.add(Float.NEGATIVE_INFINITY, Double.NEGATIVE_INFINITY);
        assertTrue(s.passed(), "a fully masked row's LSE matches");
        s.add(Float.NaN, 1.0);
        assertFalse(s.passed(), "NaN where the reference is finite fails");
        ErrorStats t = new ErrorStats();
        t.add(0, Double.NEGATIVE_INFINITY);
        assertFalse(t.passed());
        assertTrue(t.summary().contains("1 of 1 outside tolerance"), t.summary());
    }
}
