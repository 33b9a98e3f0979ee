package dev.flashvec.weights;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flashvec.tensor.Npy;
import dev.flashvec.tensor.NpyArray;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The .safetensors reader and the .npy directory: values, dtypes, and errors that name file, expected and actual. */
class WeightStoreTest {
    @TempDir
    Path dir;

    private static final float[] VALUES = {1f, -2.5f, 0.333f, 65504f, 1e-3f, -0f};

    @Test
    void readsF32F16AndBF16() throws IOException {
        Path f = dir.resolve("w.safetensors");
        Files.write(f, new SafeTensorsWriter().add("a", "F32", new int[] {2, 3}, VALUES)
                .add("b", "F16", new int[] {6}, VALUES).add("c", "BF16", new int[] {3, 2}, VALUES).bytes());
        SafeTensors st = SafeTensors.open(f);
        assertEquals(Set.of("a", "b", "c"), st.names());
        assertEquals("pt", st.metadata().get("format"));
        assertArrayEquals(VALUES, st.require("a", 2, 3));
        float[] half = st.get("b").data();
        float[] bf = st.get("c").data();
        for (int i = 0; i < VALUES.length; i++) {
            assertEquals(Float.float16ToFloat(Float.floatToFloat16(VALUES[i])), half[i]);
            assertEquals(Float.intBitsToFloat(Float.floatToIntBits(VALUES[i]) & 0xFFFF0000), bf[i]);
        }
        assertArrayEquals(new int[] {3, 2}, st.get("c").shape());
    }

    @Test
    void shapeMismatchNamesFileTensorExpectedAndActual() throws IOException {
        Path f = dir.resolve("w.safetensors");
        Files.write(f, new SafeTensorsWriter().add("a", "F32", new int[] {2, 3}, VALUES).bytes());
        var e = assertThrows(IllegalArgumentException.class, () -> SafeTensors.open(f).require("a", 3, 2));
        assertEquals(f + ": tensor \"a\" has shape [2, 3] but [3, 2] is expected", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> SafeTensors.open(f).get("zz"));
        assertEquals(f + " has no tensor \"zz\" (it has: a)", e.getMessage());
    }

    @Test
    void malformedFilesAreRejectedWithTheReason() throws IOException {
        Path f = dir.resolve("bad.safetensors");
        Files.write(f, new byte[] {1, 2, 3});
        assertMessage(f, "expected at least 8 bytes (the header length) but the file has 3");
        Files.write(f, ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(1000).array());
        assertMessage(f, "header length is 1000 but must be between 2 and 8 (file size 16 bytes)");
        byte[] notJson = "{oops}".getBytes();
        Files.write(f, ByteBuffer.allocate(8 + notJson.length).order(ByteOrder.LITTLE_ENDIAN).putLong(notJson.length)
                .put(notJson).array());
        assertMessage(f, "header is not valid JSON");
        Files.write(f, new SafeTensorsWriter().raw("a", "F32", new int[] {2, 3}, new byte[20]).bytes());
        assertMessage(f, "tensor \"a\": is F32 of shape [2, 3], so 24 bytes are expected, but data_offsets [0, 20] span 20");
        Files.write(f, new SafeTensorsWriter().raw("i", "I64", new int[] {2}, new byte[16]).bytes());
        var e = assertThrows(IllegalArgumentException.class, () -> SafeTensors.open(f).get("i"));
        assertEquals(f + ": tensor \"i\" has dtype I64 but only F32, F16 and BF16 can be read", e.getMessage());
    }

    private static void assertMessage(Path f, String part) {
        var e = assertThrows(IOException.class, () -> SafeTensors.open(f));
        assertTrue(e.getMessage().startsWith(f + ": not a valid .safetensors file: "), e.getMessage());
        assertTrue(e.getMessage().contains(part), e.getMessage());
    }

    @Test
    void npyDirectoryReadsTheFilesItsManifestNames() throws IOException {
        Npy.write(dir.resolve("w.npy"), NpyArray.ofFloats(new int[] {2, 3}, VALUES));
        Files.writeString(dir.resolve(NpyDirectory.MANIFEST), "{\"tensors\": {\"layer.w\": \"w.npy\"}}");
        NpyDirectory store = NpyDirectory.open(dir);
        assertEquals(Set.of("layer.w"), store.names());
        assertArrayEquals(VALUES, store.require("layer.w", 2, 3));
        var e = assertThrows(IllegalArgumentException.class, () -> store.require("layer.w", 6));
        assertEquals(dir.resolve("w.npy").toAbsolutePath().normalize() + ": tensor \"layer.w\" has shape [2, 3] but [6] is expected",
                e.getMessage());
    }

    @Test
    void npyDirectoryErrors() throws IOException {
        var e = assertThrows(IOException.class, () -> NpyDirectory.open(dir));
        assertTrue(e.getMessage().contains("expected a manifest manifest.json"), e.getMessage());
        Files.writeString(dir.resolve(NpyDirectory.MANIFEST), "{\"tensors\": {\"x\": \"../x.npy\"}}");
        e = assertThrows(IOException.class, () -> NpyDirectory.open(dir));
        assertTrue(e.getMessage().contains("names ../x.npy, which is outside"), e.getMessage());
        Files.writeString(dir.resolve(NpyDirectory.MANIFEST), "{\"tensors\": {\"x\": 3}}");
        e = assertThrows(IOException.class, () -> NpyDirectory.open(dir));
        assertTrue(e.getMessage().contains("tensor \"x\" must name a .npy file (a string) but is number"), e.getMessage());
    }
}
