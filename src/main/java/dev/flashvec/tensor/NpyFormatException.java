package dev.flashvec.tensor;

import java.io.IOException;

/** Thrown when a file is not a well-formed {@code .npy} file that flashvec can read; the message names the file. */
public final class NpyFormatException extends IOException {
    private static final long serialVersionUID = 1L;

    /** A problem {@code problem} found in file {@code file}; the message is {@code "file: problem"}. */
    public NpyFormatException(String file, String problem) {
        super(file + ": " + problem);
    }
}
