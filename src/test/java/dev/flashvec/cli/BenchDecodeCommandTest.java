package dev.flashvec.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flashvec.report.Json;
import dev.flashvec.report.JsonValue;
import dev.flashvec.simd.Simd;
import org.junit.jupiter.api.Test;

/** {@code bench decode} and {@code bench bandwidth}: output fields and user errors, at tiny sizes (never speed). */
class BenchDecodeCommandTest {
    private static JsonValue.Obj onlyLine(Cli.Run run) {
        String[] lines = run.out().strip().split("\n");
        assertEquals(1, lines.length, run::toString);
        return assertInstanceOf(JsonValue.Obj.class, Json.parse(lines[0]), lines[0]);
    }

    @Test
    void decodeIsAlsoATopLevelCommand() {
        Cli.Run run = Cli.run("decode", "--length", "20", "--heads", "2", "--kv-heads", "1", "--dim", "8",
                "--warmup-seconds", "0", "--seconds", "0.01");
        assertEquals(Main.OK, run.code(), run::toString);
        JsonValue.Obj o = onlyLine(run);
        assertEquals("decode", o.string("bench"));
        assertEquals(20, o.number("length"));
    }

    @Test
    void decodePrintsTokensPerSecondAndBandwidth() {
        for (String type : new String[] {"fp32", "fp16", "bf16", "int8"}) {
            Cli.Run run = Cli.run("bench", "decode", "--length", "37", "--heads", "4", "--kv-heads", "2", "--dim", "24",
                    "--kv-type", type, "--threads", "2", "--chunk-keys", "16", "--warmup-seconds", "0", "--seconds",
                    "0.01");
            assertEquals(Main.OK, run.code(), run::toString);
            JsonValue.Obj o = onlyLine(run);
            assertEquals("decode", o.string("bench"));
            assertEquals(37, o.number("length"));
            assertEquals(4, o.number("heads"));
            assertEquals(2, o.number("kvHeads"));
            assertEquals(24, o.number("dim"));
            assertEquals(type, o.string("kvType"));
            assertEquals(2, o.number("threads"));
            assertEquals(16, o.number("chunkKeys"));
            int bytes = switch (type) {
                case "fp32" -> 4;
                case "int8" -> 1;
                default -> 2;
            };
            double perStep = 37.0 * 2 * 2 * (24 * bytes + (bytes == 1 ? 4 : 0));
            assertEquals(perStep, o.number("bytesPerStep"), 0.0);
            double ms = o.number("ms");
            assertEquals(1000 / ms, o.number("tokensPerSecond"), 1e-3 * 1000 / ms, o::toString);
            assertEquals(perStep / (ms * 1e6), o.number("gbPerSecond"), 1e-3 * perStep / (ms * 1e6), o::toString);
            assertEquals(Simd.backend().name(), o.string("backend"));
        }
    }

    @Test
    void bandwidthPrintsOneLine() {
        Cli.Run run = Cli.run("bench", "bandwidth", "--threads", "2", "--warmup-seconds", "0", "--seconds", "0.01");
        assertEquals(Main.OK, run.code(), run::toString);
        JsonValue.Obj o = onlyLine(run);
        assertEquals("bandwidth", o.string("bench"));
        assertEquals(2, o.number("threads"));
        assertTrue(o.number("gbPerSecond") > 0, o::toString);
        assertEquals(o.number("gbPerSecond") / 2, o.number("gbPerSecondPerThread"), 1e-3 * o.number("gbPerSecond"));
    }

    @Test
    void userErrorsAreOneLineWithExitCode2() {
        String[][] cases = {
            {"--length", "8", "--kv-type", "fp8"},
            {"--length", "8", "--heads", "6", "--kv-heads", "4"},
            {"--length", "0"},
            {"--length", "8", "--chunk-keys", "0"},
        };
        String[] expected = {
            "--kv-type must be fp32, fp16, bf16 or int8 but was 'fp8'",
            "--heads H=6 must be a multiple of --kv-heads HKV=4",
            "--length must be >= 1 but was 0",
            "--chunk-keys must be >= 1 but was 0",
        };
        for (int i = 0; i < cases.length; i++) {
            String[] args = new String[cases[i].length + 2];
            args[0] = "bench";
            args[1] = "decode";
            System.arraycopy(cases[i], 0, args, 2, cases[i].length);
            Cli.Run run = Cli.run(args);
            assertEquals(Main.USER_ERROR, run.code(), run::toString);
            assertEquals("", run.out());
            assertEquals(1, run.err().strip().split("\n").length, run::toString);
            assertTrue(run.err().contains(expected[i]), run::toString);
        }
    }
}
