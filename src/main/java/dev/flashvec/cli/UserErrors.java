package dev.flashvec.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import picocli.CommandLine;

/**
 * Turns what goes wrong in a command into an exit code and one clear line on stderr: bad options and
 * invalid arguments (picocli's parameter errors, {@link IllegalArgumentException} from the engine, unreadable
 * or malformed files) are user errors; anything else is a bug and keeps its stack trace.
 */
final class UserErrors implements CommandLine.IParameterExceptionHandler, CommandLine.IExecutionExceptionHandler {
    private static final String PREFIX = "flashvec: ";

    /** Parse errors (unknown option, missing or invalid value) name the command's help. */
    @Override
    public int handleParseException(CommandLine.ParameterException e, String[] args) {
        CommandLine cmd = e.getCommandLine();
        cmd.getErr().println(PREFIX + oneLine(e.getMessage()) + " (see '"
                + cmd.getCommandSpec().qualifiedName() + " --help')");
        return Main.USER_ERROR;
    }

    /** Errors raised while a command runs. */
    @Override
    public int handleExecutionException(Exception e, CommandLine cmd, CommandLine.ParseResult parsed) {
        PrintWriter err = cmd.getErr();
        String message = userMessage(e);
        if (message != null) {
            err.println(PREFIX + message);
            return Main.USER_ERROR;
        }
        err.println(PREFIX + "internal error: " + e);
        e.printStackTrace(err);
        return Main.INTERNAL_ERROR;
    }

    /** The one-line message for a user error, or null if {@code e} is not one. */
    static String userMessage(Throwable e) {
        if (e instanceof UncheckedIOException u) {
            return userMessage(u.getCause());
        }
        if (e instanceof FileSystemException f) {
            return fileMessage(f);
        }
        if (e instanceof IllegalArgumentException || e instanceof IOException) {
            return oneLine(e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName());
        }
        return null;
    }

    /** File system errors often carry only a path; add what happened to it. */
    private static String fileMessage(FileSystemException f) {
        String reason = f.getReason();
        if (reason == null) {
            reason = switch (f) {
                case NoSuchFileException n -> "no such file";
                case AccessDeniedException a -> "permission denied";
                case NotDirectoryException n -> "not a directory";
                default -> f.getClass().getSimpleName();
            };
        }
        return oneLine((f.getFile() != null ? f.getFile() + ": " : "") + reason
                + (f.getOtherFile() != null ? " (" + f.getOtherFile() + ")" : ""));
    }

    /** Joins a message's lines so every error is exactly one line. */
    static String oneLine(String message) {
        return message == null ? "" : message.strip().replaceAll("\\s*\\R\\s*", "; ");
    }
}
