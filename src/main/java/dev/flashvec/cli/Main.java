package dev.flashvec.cli;

import java.io.PrintWriter;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * Entry point of the {@code flashvec} command line: subcommands {@code attention}, {@code bench}, {@code check},
 * {@code decode} (also {@code bench decode}), {@code demo} (the default when no arguments are given), {@code heatmap} and {@code report}.
 *
 * <p>Exit codes: {@value #OK} success, {@value #CHECK_FAILED} a check found errors above tolerance,
 * {@value #USER_ERROR} a user error (bad option, missing or malformed file, shapes that do not fit), reported
 * as one line on stderr without a stack trace, {@value #INTERNAL_ERROR} an unexpected internal error (a bug,
 * reported with its stack trace).
 */
@Command(name = "flashvec", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Fused (FlashAttention-style) attention on the JDK Vector API.",
        subcommands = {AttentionCommand.class, BenchCommand.class, CheckCommand.class, BenchDecodeCommand.class,
            DemoCommand.class, HeatmapCommand.class, ReportCommand.class},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {Main.EXIT_0, Main.EXIT_1, Main.EXIT_2, Main.EXIT_3},
        footer = {"%nWithout arguments, runs 'flashvec demo'."})
public final class Main implements Runnable {
    /** Success. */
    public static final int OK = 0;
    /** A check ran and found an error above the tolerance. */
    public static final int CHECK_FAILED = 1;
    /** The command could not run as given: options, files or shapes are wrong. */
    public static final int USER_ERROR = 2;
    /** Something failed that should not have: a bug. */
    public static final int INTERNAL_ERROR = 3;

    static final String EXIT_0 = "0:success";
    static final String EXIT_1 = "1:check failed (error above tolerance)";
    static final String EXIT_2 = "2:user error (bad option, missing or malformed file, shapes that do not fit)";
    static final String EXIT_3 = "3:internal error (a bug; printed with a stack trace)";

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    Main() {}

    /** Runs the command line and exits the JVM with its exit code. */
    public static void main(String[] args) {
        // CJK token labels in the demo need an encoding that has them; '?' helps nobody, so fall back to UTF-8.
        Charset cs = System.out.charset();
        if (!cs.newEncoder().canEncode("我爱人工智能")) {
            cs = StandardCharsets.UTF_8;
        }
        PrintWriter out = new PrintWriter(System.out, true, cs);
        PrintWriter err = new PrintWriter(System.err, true, cs);
        System.exit(run(args, out, err));
    }

    /**
     * Runs the command line in this JVM and returns its exit code instead of exiting (for tests and
     * embedding); normal output goes to {@code out}, error messages to {@code err}.
     */
    public static int run(String[] args, PrintWriter out, PrintWriter err) {
        String[] effective = args.length == 0 ? new String[] {"demo"} : args;
        CommandLine cli = new CommandLine(new Main());
        cli.setOut(out).setErr(err);
        UserErrors handler = new UserErrors();
        cli.setParameterExceptionHandler(handler).setExecutionExceptionHandler(handler);
        try {
            return cli.execute(effective);
        } catch (OutOfMemoryError e) {
            // Errors bypass picocli's handlers; too-large inputs are the usual cause, so say so plainly.
            err.println("flashvec: out of memory (" + e.getMessage() + "); give the JVM more heap with -Xmx or use"
                    + " smaller inputs");
            return USER_ERROR;
        } finally {
            out.flush();
            err.flush();
        }
    }

    /** Reached only as {@code flashvec} with no subcommand after options: show what there is. */
    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** The version line of {@code --version}. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            // The version comes from the jar manifest's Implementation-Version, when the build puts one there.
            return new String[] {"flashvec" + (v == null ? "" : " " + v) + " on Java " + Runtime.version()};
        }
    }
}
