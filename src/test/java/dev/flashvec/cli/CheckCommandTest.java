package dev.flashvec.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class CheckCommandTest {
    @Test
    void smallDefaultCasePasses() {
        Cli.Run run = Cli.run("check", "--sq", "9", "--sk", "13", "--dk", "8", "--threads", "2");
        assertEquals(Main.OK, run.code(), run::toString);
        assertTrue(run.out().contains("B=2 Hq=4 Hkv=2 Sq=9 Sk=13 Dk=8 Dv=8"), run::toString);
        assertTrue(run.out().contains("O   vs float64 reference: max abs error"), run::toString);
        assertTrue(run.out().contains("LSE vs float64 reference: max abs error"), run::toString);
        assertTrue(run.out().contains("PASS"), run::toString);
    }

    @Test
    void optionsReachTheEngineAndFullyMaskedRowsCompareEqual() {
        // Bottom-right alignment with Sq > Sk leaves the first rows without keys: O = 0 and LSE = -inf on both sides.
        Cli.Run run = Cli.run("check", "--batch", "1", "--heads", "3", "--kv-heads", "1", "--sq", "12", "--sk", "5",
                "--dk", "4", "--dv", "6", "--causal", "bottom-right", "--window", "2,-1", "--softcap", "3",
                "--scale", "0.7", "--layout", "bshd", "--seed", "7", "--threads", "1");
        assertEquals(Main.OK, run.code(), run::toString);
        assertTrue(run.out().contains("causal=BOTTOM_RIGHT, window=(2, -1)"), run::toString);
        assertTrue(run.out().contains("layout=bshd"), run::toString);
    }

    @Test
    void invalidShapesAreUserErrors() {
        Cli.Run run = Cli.run("check", "--heads", "4", "--kv-heads", "3", "--sq", "2", "--dk", "2");
        assertEquals(Main.USER_ERROR, run.code(), run::toString);
        assertEquals("flashvec: Q heads Hq=4 must be a multiple of K/V heads Hkv=3", run.err().strip());
        Cli.Run zero = Cli.run("check", "--sq", "0");
        assertEquals(Main.USER_ERROR, zero.code(), zero::toString);
        assertEquals(1, zero.err().lines().count(), zero::toString);
    }
}
