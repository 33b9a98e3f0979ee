package dev.flashvec.bench;

import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Floating-point operations done by a benchmark method, reported by JMH as a rate (secondary result
 * {@code <method>:flops}, in FLOP/s). Shared by our SGEMM benchmark and the OpenBLAS peer.
 */
@State(Scope.Thread)
@AuxCounters(AuxCounters.Type.OPERATIONS)
public class FlopCounter {
    /** Operations counted in this iteration; for SGEMM 2·m·n·k per multiplication. */
    public long flops;

    /** Counts from zero in every iteration. */
    @Setup(Level.Iteration)
    public void reset() {
        flops = 0;
    }
}
