package dev.flashvec.weights;

import java.io.IOException;
import java.util.Arrays;
import java.util.Set;

/** Named weights from files: a directory of {@code .npy} files ({@link NpyDirectory}) or a {@code .safetensors} file ({@link SafeTensors}). */
public interface WeightStore {
    /** Every tensor name in the store. */
    Set<String> names();

    /** Whether the store has a tensor of this name. */
    default boolean has(String name) {
        return names().contains(name);
    }

    /**
     * The tensor {@code name}, read and converted to float32.
     *
     * @throws IllegalArgumentException if there is no such tensor (the message lists the names there are)
     * @throws IOException if its file cannot be read or is malformed (the message names the file)
     */
    WeightTensor get(String name) throws IOException;

    /** Where the weights come from, for messages. */
    String source();

    /**
     * The elements of tensor {@code name}, which must have exactly {@code shape}.
     *
     * @throws IllegalArgumentException naming the tensor, its file, the expected and the actual shape
     */
    default float[] require(String name, int... shape) throws IOException {
        WeightTensor t = get(name);
        if (!Arrays.equals(t.shape(), shape)) {
            throw new IllegalArgumentException(t.source() + ": tensor \"" + name + "\" has shape " + t.shapeString()
                    + " but " + Arrays.toString(shape) + " is expected");
        }
        return t.data();
    }

    /** The message for a missing tensor: names the store and what it does have. */
    static IllegalArgumentException missing(String source, String name, Set<String> names) {
        return new IllegalArgumentException(source + " has no tensor \"" + name + "\" (it has: "
                + String.join(", ", new java.util.TreeSet<>(names)) + ")");
    }
}
