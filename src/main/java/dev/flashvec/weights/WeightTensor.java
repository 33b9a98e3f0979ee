package dev.flashvec.weights;

import java.util.Arrays;

/**
 * One named weight read from a file, converted to float32.
 *
 * @param name   its name in the store
 * @param shape  its dimensions
 * @param data   the elements in row-major order
 * @param source the file it came from, for messages
 */
public record WeightTensor(String name, int[] shape, float[] data, String source) {
    /** The shape as {@code [a, b, …]}. */
    public String shapeString() {
        return Arrays.toString(shape);
    }
}
