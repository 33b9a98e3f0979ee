package dev.flashvec.weights;

import dev.flashvec.report.Json;
import dev.flashvec.report.JsonException;
import dev.flashvec.report.JsonValue;
import dev.flashvec.tensor.Npy;
import dev.flashvec.tensor.NpyArray;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Weights stored as one {@code .npy} file per tensor in a directory, named by a manifest
 * {@value #MANIFEST} beside them: {@code {"tensors": {"out_proj.weight": "out_proj_weight.npy", …}}}. File
 * names are relative to the directory and may not leave it. Files are read when a tensor is asked for.
 */
public final class NpyDirectory implements WeightStore {
    /** The manifest's file name. */
    public static final String MANIFEST = "manifest.json";

    private final Path dir;
    private final Map<String, Path> files;

    private NpyDirectory(Path dir, Map<String, Path> files) {
        this.dir = dir;
        this.files = files;
    }

    /** Reads the manifest of {@code dir}; the tensor files are read later, on {@link #get}. */
    public static NpyDirectory open(Path dir) throws IOException {
        Path manifest = dir.resolve(MANIFEST);
        if (!Files.isRegularFile(manifest)) {
            throw new IOException(dir + ": expected a manifest " + MANIFEST + " naming each tensor's .npy file,"
                    + " but there is none");
        }
        JsonValue.Obj tensors;
        try {
            JsonValue root = Json.parse(Files.readString(manifest, StandardCharsets.UTF_8));
            if (!(root instanceof JsonValue.Obj o)) {
                throw new JsonException("the manifest must be a JSON object but is " + root.typeName());
            }
            tensors = o.object("tensors");
        } catch (JsonException e) {
            throw new IOException(manifest + ": " + e.getMessage(), e);
        }
        Map<String, Path> files = new LinkedHashMap<>();
        Path root = dir.toAbsolutePath().normalize();
        for (Map.Entry<String, JsonValue> e : tensors.members().entrySet()) {
            if (!(e.getValue() instanceof JsonValue.Str s)) {
                throw new IOException(manifest + ": tensor \"" + e.getKey() + "\" must name a .npy file (a string) but"
                        + " is " + e.getValue().typeName());
            }
            Path file = root.resolve(s.value()).normalize();
            if (!file.startsWith(root)) {
                throw new IOException(manifest + ": tensor \"" + e.getKey() + "\" names " + s.value()
                        + ", which is outside " + dir);
            }
            files.put(e.getKey(), file);
        }
        return new NpyDirectory(dir, Collections.unmodifiableMap(files));
    }

    @Override
    public Set<String> names() {
        return files.keySet();
    }

    @Override
    public WeightTensor get(String name) throws IOException {
        Path file = files.get(name);
        if (file == null) {
            throw WeightStore.missing(source(), name, names());
        }
        NpyArray a = Npy.read(file);
        if (!a.dtype().isFloat()) {
            throw new IllegalArgumentException(file + ": tensor \"" + name + "\" has dtype " + a.dtype()
                    + " but weights must be float16, float32 or float64");
        }
        return new WeightTensor(name, a.shape(), a.asFloats(), file.toString());
    }

    @Override
    public String source() {
        return dir.toString();
    }
}
