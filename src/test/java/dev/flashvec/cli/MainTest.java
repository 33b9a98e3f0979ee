package dev.flashvec.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class MainTest {
    @Test
    void helpListsTheCommandsAndExitCodes() {
        Cli.Run run = Cli.run("--help");
        assertEquals(Main.OK, run.code());
        for (String s : new String[] {"attention", "check", "demo", "Exit codes", "Without arguments, runs 'flashvec demo'"}) {
            assertTrue(run.out().contains(s), s);
        }
        for (String command : new String[] {"attention", "check", "demo"}) {
            Cli.Run help = Cli.run(command, "--help");
            assertEquals(Main.OK, help.code(), command);
            assertTrue(help.out().startsWith("Usage: flashvec " + command), help::toString);
        }
    }

    @Test
    void versionNamesTheJava() {
        Cli.Run run = Cli.run("--version");
        assertEquals(Main.OK, run.code());
        assertTrue(run.out().startsWith("flashvec "), run.out());
    }

    @Test
    void unknownCommandIsAUserError() {
        Cli.Run run = Cli.run("frobnicate");
        assertEquals(Main.USER_ERROR, run.code());
        assertEquals("flashvec: Unmatched argument at index 0: 'frobnicate' (see 'flashvec --help')", run.err().strip());
    }

    @Test
    void unexpectedExceptionsAreInternalErrorsWithStackTraces() throws Exception {
        StringWriter err = new StringWriter();
        CommandLine cli = new CommandLine(new Main()).setErr(new PrintWriter(err, true));
        int code = new UserErrors().handleExecutionException(new IllegalStateException("boom"), cli, null);
        assertEquals(Main.INTERNAL_ERROR, code);
        assertTrue(err.toString().startsWith("flashvec: internal error: java.lang.IllegalStateException: boom"));
        assertTrue(err.toString().contains("\tat "), "stack trace printed");
    }

    @Test
    void fileSystemErrorsGetAReason() {
        assertEquals("x.npy: permission denied", UserErrors.userMessage(new AccessDeniedException("x.npy")));
        assertEquals("y.npy: no such file",
                UserErrors.userMessage(new UncheckedIOException(new java.nio.file.NoSuchFileException("y.npy"))));
        assertEquals("a; b", UserErrors.oneLine("a\n  b\n"));
    }
}
