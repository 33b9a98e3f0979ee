package dev.flashvec.tensor;

import static dev.flashvec.tensor.NpyBytes.dict;
import static java.nio.ByteOrder.BIG_ENDIAN;
import static java.nio.ByteOrder.LITTLE_ENDIAN;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flashvec.testing.Gen;
import dev.flashvec.testing.Property;
import dev.flashvec.testing.Shrinkable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class NpyTest {
    @TempDir
    Path dir;

    private Path put(String name, byte[] bytes) throws IOException {
        return Files.write(dir.resolve(name), bytes);
    }

    private NpyFormatException rejects(String name, byte[] bytes) throws IOException {
        Path p = put(name, bytes);
        NpyFormatException e = assertThrows(NpyFormatException.class, () -> Npy.read(p));
        assertTrue(e.getMessage().startsWith(p.toString() + ": "), "message names the file: " + e.getMessage());
        return e;
    }

    private static void assertContains(String message, String... parts) {
        for (String part : parts) {
            assertTrue(message.contains(part), "expected '" + part + "' in: " + message);
        }
    }

    // ---------------------------------------------------------------- reading hand-built files, every dtype

    @Test
    void readsFloat32() throws IOException {
        NpyArray a = Npy.read(put("f4.npy", NpyBytes.file(dict("<f4", "(2, 3)"), NpyBytes.floats(LITTLE_ENDIAN,
                1, 2, 3, -4.5f, Float.MIN_VALUE, Float.MAX_VALUE))));
        assertEquals(NpyDtype.FLOAT32, a.dtype());
        assertArrayEquals(new int[] {2, 3}, a.shape());
        assertArrayEquals(new float[] {1, 2, 3, -4.5f, Float.MIN_VALUE, Float.MAX_VALUE}, a.asFloats());
    }

    @Test
    void readsBigEndianFloat32AndInt64() throws IOException {
        NpyArray f = Npy.read(put("bf.npy", NpyBytes.file(dict(">f4", "(2,)"), NpyBytes.floats(BIG_ENDIAN, 1.5f, -2f))));
        assertArrayEquals(new float[] {1.5f, -2f}, f.asFloats());
        NpyArray l = Npy.read(put("bl.npy", NpyBytes.file(dict(">i8", "(2,)"), NpyBytes.longs(BIG_ENDIAN, 7, -1L << 40))));
        assertArrayEquals(new long[] {7, -1L << 40}, l.asLongs());
    }

    @Test
    void readsFloat64ConvertingToFloat() throws IOException {
        NpyArray a = Npy.read(put("f8.npy", NpyBytes.file(dict("<f8", "(4,)"), NpyBytes.doubles(0.1, -1e300, 1e-50, 3))));
        assertEquals(NpyDtype.FLOAT64, a.dtype());
        assertArrayEquals(new float[] {0.1f, Float.NEGATIVE_INFINITY, 0f, 3f}, a.asFloats());
    }

    @Test
    void readsBool() throws IOException {
        NpyArray a = Npy.read(put("b1.npy", NpyBytes.file(dict("|b1", "(2, 2)"), new byte[] {1, 0, 0, 1})));
        assertArrayEquals(new boolean[] {true, false, false, true}, a.asBooleans());
    }

    @Test
    void readsInt32AndInt64() throws IOException {
        NpyArray i = Npy.read(put("i4.npy", NpyBytes.file(dict("<i4", "(3,)"), NpyBytes.ints(5, -7, Integer.MAX_VALUE))));
        assertArrayEquals(new int[] {5, -7, Integer.MAX_VALUE}, i.asInts());
        assertArrayEquals(new long[] {5, -7, Integer.MAX_VALUE}, i.asLongs());
        NpyArray l = Npy.read(put("i8.npy", NpyBytes.file(dict("<i8", "(2,)"), NpyBytes.longs(LITTLE_ENDIAN, 16, 3))));
        assertEquals(NpyDtype.INT64, l.dtype());
        assertArrayEquals(new int[] {16, 3}, l.asInts());
    }

    @Test
    void readsScalarEmptyAndHighRankShapes() throws IOException {
        NpyArray scalar = Npy.read(put("s.npy", NpyBytes.file(dict("<f4", "()"), NpyBytes.floats(LITTLE_ENDIAN, 42))));
        assertEquals(0, scalar.rank());
        assertEquals(1, scalar.size());
        assertEquals(42f, scalar.asFloats()[0]);
        NpyArray empty = Npy.read(put("e.npy", NpyBytes.file(dict("<i8", "(0, 3)"), new byte[0])));
        assertArrayEquals(new int[] {0, 3}, empty.shape());
        assertEquals(0, empty.asInts().length);
        NpyArray five = Npy.read(put("r5.npy", NpyBytes.file(dict("|b1", "(1, 2, 1, 1, 2)"), new byte[4])));
        assertArrayEquals(new int[] {1, 2, 1, 1, 2}, five.shape());
    }

    @Test
    void readsVersion2And3Headers() throws IOException {
        byte[] data = NpyBytes.floats(LITTLE_ENDIAN, 1, 2, 3);
        assertArrayEquals(new float[] {1, 2, 3}, Npy.read(put("v2.npy", NpyBytes.file(2, dict("<f4", "(3,)"), data))).asFloats());
        assertArrayEquals(new float[] {1, 2, 3}, Npy.read(put("v3.npy", NpyBytes.file(3, dict("<f4", "(1, 3)"), data))).asFloats());
    }

    @Test
    void readsHeaderVariantsNumpyAccepts() throws IOException {
        byte[] data = NpyBytes.ints(1, 2);
        // Key order, double quotes, no trailing comma, Python 2 long suffixes and extra spaces are all legal.
        String[] dicts = {
            "{\"shape\": (2,), \"fortran_order\": False, \"descr\": \"<i4\"}",
            "{'descr':'<i4','fortran_order':False,'shape':(2L,)}",
            "{ 'descr' : '<i4' , 'fortran_order' : False , 'shape' : ( 1 , 2 ) , }",
        };
        for (String d : dicts) {
            assertArrayEquals(new int[] {1, 2}, Npy.read(put("h.npy", NpyBytes.file(d, data))).asInts(), d);
        }
    }

    // ---------------------------------------------------------------- float16

    @Test
    void float16DecodesNormalsSubnormalsInfinitiesAndNaN() throws IOException {
        int[] bits = {0x0000, 0x8000, 0x0001, 0x03FF, 0x0400, 0x3C00, 0xC000, 0x3555, 0x7BFF, 0xFBFF, 0x7C00, 0xFC00, 0x7E00};
        float[] want = {0f, -0f, 0x1p-24f, 1023 * 0x1p-24f, 0x1p-14f, 1f, -2f, 0.333251953125f, 65504f, -65504f,
            Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.NaN};
        NpyArray a = Npy.read(put("f2.npy", NpyBytes.file(dict("<f2", "(13,)"), NpyBytes.shorts(bits))));
        assertEquals(NpyDtype.FLOAT16, a.dtype());
        assertArrayEquals(want, a.asFloats()); // assertArrayEquals on floats compares bits: -0 != 0, NaN == NaN
    }

    @Test
    void float16RoundTripsEveryHalfValueAndRoundsToNearestEven() throws IOException {
        float[] all = new float[65536];
        for (int i = 0; i < all.length; i++) {
            all[i] = Float.float16ToFloat((short) i);
        }
        Path p = dir.resolve("all.npy");
        Npy.write(p, NpyArray.ofFloats(NpyDtype.FLOAT16, new int[] {256, 256}, all));
        NpyArray back = Npy.read(p);
        assertEquals(NpyDtype.FLOAT16, back.dtype());
        assertArrayEquals(all, back.asFloats());

        // 1 + 2^-11 is halfway between two halves and rounds to even (1); 65520 overflows to inf; 2^-25 underflows to 0.
        Npy.write(p, NpyArray.ofFloats(NpyDtype.FLOAT16, new int[] {4}, new float[] {1 + 0x1p-11f, 1 + 0x1p-10f + 0x1p-11f,
            65520f, 0x1p-25f}));
        assertArrayEquals(new float[] {1f, 1 + 0x1p-9f, Float.POSITIVE_INFINITY, 0f}, Npy.read(p).asFloats());
    }

    // ---------------------------------------------------------------- what the writer produces

    @Test
    void writerProducesNumpysLayoutByteForByte() throws IOException {
        Path p = dir.resolve("w.npy");
        Npy.write(p, NpyArray.ofFloats(new int[] {2, 3}, new float[] {1, 2, 3, 4, 5, 6}));
        byte[] want = NpyBytes.file(dict("<f4", "(2, 3)"), NpyBytes.floats(LITTLE_ENDIAN, 1, 2, 3, 4, 5, 6));
        byte[] got = Files.readAllBytes(p);
        assertArrayEquals(want, got, () -> new String(got, StandardCharsets.ISO_8859_1));
        int headerEnd = got.length - 24;
        assertEquals(0, headerEnd % 64, "header is padded to a multiple of 64 bytes");
        assertEquals('\n', got[headerEnd - 1]);
    }

    @Test
    void writerFormatsScalarAndOneDimensionalShapesAsPythonTuples() throws IOException {
        Path p = dir.resolve("w.npy");
        Npy.write(p, NpyArray.ofInts(new int[] {}, new int[] {9}));
        assertArrayEquals(NpyBytes.file(dict("<i4", "()"), NpyBytes.ints(9)), Files.readAllBytes(p));
        Npy.write(p, NpyArray.ofBooleans(new int[] {3}, new boolean[] {true, false, true}));
        assertArrayEquals(NpyBytes.file(dict("|b1", "(3,)"), new byte[] {1, 0, 1}), Files.readAllBytes(p));
    }

    /** One random array: dtype, shape (rank 0 to 4, dims 0 to 6) and the seed of its elements. */
    record Case(NpyDtype dtype, int[] shape, long seed) implements Shrinkable<Case> {
        static Case draw(Random r) {
            int[] shape = new int[r.nextInt(5)];
            for (int a = 0; a < shape.length; a++) {
                shape[a] = r.nextInt(7);
            }
            return new Case(NpyDtype.values()[r.nextInt(NpyDtype.values().length)], shape, r.nextLong());
        }

        NpyArray array() {
            Random r = new Random(seed);
            int n = Arrays.stream(shape).reduce(1, (x, y) -> x * y);
            return switch (dtype) {
                // Values representable in the stored type, so that the round trip must be exact.
                case FLOAT16 -> NpyArray.ofFloats(dtype, shape, halves(r, n));
                case FLOAT32, FLOAT64 -> NpyArray.ofFloats(dtype, shape, Gen.normal(r, n));
                case BOOL -> {
                    boolean[] z = new boolean[n];
                    for (int i = 0; i < n; i++) {
                        z[i] = r.nextBoolean();
                    }
                    yield NpyArray.ofBooleans(shape, z);
                }
                case INT32 -> NpyArray.ofInts(shape, r.ints(n).toArray());
                case INT64 -> NpyArray.ofLongs(shape, r.longs(n).toArray());
            };
        }

        private static float[] halves(Random r, int n) {
            float[] f = new float[n];
            for (int i = 0; i < n; i++) {
                f[i] = Float.float16ToFloat((short) r.nextInt(65536));
            }
            return f;
        }

        @Override
        public List<Case> shrink() {
            List<Case> out = new ArrayList<>();
            if (shape.length > 0) {
                out.add(new Case(dtype, Arrays.copyOf(shape, shape.length - 1), seed));
            }
            for (int a = 0; a < shape.length; a++) {
                for (int smaller : Gen.smaller(shape[a])) {
                    int[] s = shape.clone();
                    s[a] = smaller;
                    out.add(new Case(dtype, s, seed));
                }
            }
            return out;
        }

        @Override
        public String toString() {
            return dtype + " " + Arrays.toString(shape) + " seed " + seed;
        }
    }

    @Test
    void everyDtypeAndShapeRoundTripsExactly() {
        Property.check("npy round trip", 0.5, Case::draw, c -> {
            try {
                NpyArray a = c.array();
                Path p = dir.resolve("rt.npy");
                Npy.write(p, a);
                NpyArray back = Npy.read(p);
                assertEquals(a, back);
                assertEquals(p.toString(), back.name());
            } catch (IOException e) {
                throw new AssertionError(e);
            }
        });
    }

    // ---------------------------------------------------------------- malformed files

    @Test
    void rejectsBadMagic() throws IOException {
        byte[] b = NpyBytes.file(dict("<f4", "(1,)"), NpyBytes.floats(LITTLE_ENDIAN, 1));
        b[1] = 'X';
        assertContains(rejects("m.npy", b).getMessage(), "not an NPY file");
        assertContains(rejects("txt.npy", "hello, world\n".getBytes(StandardCharsets.US_ASCII)).getMessage(),
                "not an NPY file");
        assertContains(rejects("tiny.npy", new byte[] {(byte) 0x93, 'N'}).getMessage(), "too short");
        assertContains(rejects("zero.npy", new byte[0]).getMessage(), "too short");
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 4, 255})
    void rejectsUnsupportedVersions(int major) throws IOException {
        byte[] b = NpyBytes.file(2, dict("<f4", "(1,)"), NpyBytes.floats(LITTLE_ENDIAN, 1));
        b[6] = (byte) major;
        assertContains(rejects("v.npy", b).getMessage(), "unsupported NPY format version " + major + ".0");
        b[6] = 1;
        b[7] = 1;
        assertContains(rejects("v.npy", b).getMessage(), "version 1.1");
    }

    @Test
    void rejectsTruncatedHeader() throws IOException {
        byte[] b = NpyBytes.file(dict("<f4", "(1,)"), new byte[0]);
        assertContains(rejects("h.npy", Arrays.copyOf(b, 9)).getMessage(), "truncated header");
        assertContains(rejects("h.npy", Arrays.copyOf(b, 40)).getMessage(), "truncated header");
    }

    @Test
    void rejectsTruncatedData() throws IOException {
        byte[] b = NpyBytes.file(dict("<f4", "(2, 3)"), NpyBytes.floats(LITTLE_ENDIAN, 1, 2, 3, 4, 5, 6));
        NpyFormatException e = rejects("t.npy", Arrays.copyOf(b, b.length - 1));
        assertContains(e.getMessage(), "truncated", "(2, 3)", "24 data bytes", "23");
        assertContains(rejects("t0.npy", Arrays.copyOf(b, b.length - 24)).getMessage(), "truncated", "holds only 0 data bytes");
    }

    @Test
    void rejectsHeaderThatLiesAboutTheSize() throws IOException {
        // Header claims 2×3 but 2×4 floats follow: trailing data is an error, not silently ignored.
        byte[] b = NpyBytes.file(dict("<f4", "(2, 3)"), NpyBytes.floats(LITTLE_ENDIAN, new float[8]));
        assertContains(rejects("lie.npy", b).getMessage(), "header says", "(2, 3)", "holds 32 data bytes");
        // A dtype that lies: 6 doubles' worth of bytes described as 6 floats.
        byte[] d = NpyBytes.file(dict("<f4", "(6,)"), NpyBytes.doubles(new double[6]));
        assertContains(rejects("lie8.npy", d).getMessage(), "header does not describe the data");
    }

    @Test
    void rejectsFortranOrder() throws IOException {
        String d = "{'descr': '<f4', 'fortran_order': True, 'shape': (2, 2), }";
        assertContains(rejects("f.npy", NpyBytes.file(d, new byte[16])).getMessage(), "Fortran", "C order");
    }

    @ParameterizedTest
    @ValueSource(strings = {"<u2", "<c8", "|O", "<U5", "|u1", "<f16", "|f4", "float32"})
    void rejectsUnknownDtypesNamingThem(String descr) throws IOException {
        NpyFormatException e = rejects("d.npy", NpyBytes.file(dict(descr, "(1,)"), new byte[0]));
        assertContains(e.getMessage(), "unsupported dtype '" + descr + "'");
    }

    @Test
    void rejectsStructuredDtype() throws IOException {
        String d = "{'descr': [('x', '<f4'), ('y', '<f4')], 'fortran_order': False, 'shape': (1,), }";
        assertContains(rejects("s.npy", NpyBytes.file(d, new byte[8])).getMessage(), "structured");
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "{'descr': '<f4', 'fortran_order': False}",
        "{'descr': '<f4', 'fortran_order': False, 'shape': (1,), 'extra': 1}",
        "{'descr': '<f4', 'fortran_order': False, 'shape': [1], }",
        "{'descr': '<f4', 'fortran_order': False, 'shape': (1), }",
        "{'descr': '<f4', 'fortran_order': False, 'shape': (-1,), }",
        "{'descr': '<f4', 'fortran_order': False, 'shape': ('1',), }",
        "{'descr': '<f4', 'fortran_order': 0, 'shape': (1,), }",
        "{'descr': '<f4', 'fortran_order': False, 'shape': (1,), ",
        "{'descr': '<f4' 'fortran_order': False, 'shape': (1,)}",
        "{'descr': '<f4', 'fortran_order': Maybe, 'shape': (1,)}",
        "{'descr': '<f4', 'descr': '<f4', 'fortran_order': False, 'shape': (1,)}",
        "['descr', '<f4']",
        "{'descr': '<f4', 'fortran_order': False, 'shape': (1,)} trailing",
        "",
    })
    void rejectsMalformedHeaderDicts(String d) throws IOException {
        assertContains(rejects("bad.npy", NpyBytes.file(d, new byte[4])).getMessage(), "header");
    }

    @Test
    void rejectsElementCountsBeyondAJavaArray() throws IOException {
        NpyFormatException e = rejects("big.npy", NpyBytes.file(dict("<f4", "(100000, 100000)"), new byte[0]));
        assertContains(e.getMessage(), "more elements than a Java array can hold");
        assertContains(rejects("big1.npy", NpyBytes.file(dict("|b1", "(99999999999999999999,)"), new byte[0]))
                .getMessage(), "more elements");
    }

    @Test
    void missingFileAndDirectoryAreClearErrors() {
        Path missing = dir.resolve("nope.npy");
        NoSuchFileException e = assertThrows(NoSuchFileException.class, () -> Npy.read(missing));
        assertEquals(missing + ": no such file", e.getMessage());
        NpyFormatException d = assertThrows(NpyFormatException.class, () -> Npy.read(dir));
        assertContains(d.getMessage(), dir.toString(), "directory");
    }

    // ---------------------------------------------------------------- typed access

    @Test
    void accessorsRejectTheWrongDtypeNamingTheFile() throws IOException {
        Path p = put("i.npy", NpyBytes.file(dict("<i4", "(2,)"), NpyBytes.ints(1, 2)));
        NpyArray ints = Npy.read(p);
        assertContains(assertThrows(IllegalArgumentException.class, ints::asFloats).getMessage(), p.toString(),
                "int32 (<i4)", "float");
        assertContains(assertThrows(IllegalArgumentException.class, ints::asBooleans).getMessage(), "bool");
        NpyArray floats = NpyArray.ofFloats(new int[] {1}, new float[] {1});
        assertContains(assertThrows(IllegalArgumentException.class, floats::asInts).getMessage(), "array has dtype float32");
        NpyArray big = NpyArray.ofLongs(new int[] {2}, new long[] {1, 1L << 31}).named("LEN.npy");
        assertContains(assertThrows(IllegalArgumentException.class, big::asInts).getMessage(),
                "LEN.npy: element 1 is 2147483648");
    }

    @Test
    void factoriesCheckTheShapeAgainstTheData() {
        assertContains(assertThrows(IllegalArgumentException.class,
                () -> NpyArray.ofFloats(new int[] {2, 2}, new float[3])).getMessage(), "3 elements", "needs 4");
        assertThrows(IllegalArgumentException.class, () -> NpyArray.ofInts(new int[] {-1}, new int[0]));
        assertThrows(IllegalArgumentException.class, () -> NpyArray.ofFloats(NpyDtype.INT32, new int[] {1}, new float[1]));
        assertThrows(IllegalArgumentException.class,
                () -> NpyArray.ofBooleans(new int[] {1 << 16, 1 << 16}, new boolean[0]));
    }

    @Test
    void toTensorReadsBhsdBshdAndThreeDimensionalArrays() {
        float[] data = new float[2 * 3 * 4 * 5];
        for (int i = 0; i < data.length; i++) {
            data[i] = i;
        }
        NpyArray a = NpyArray.ofFloats(new int[] {2, 3, 4, 5}, data);
        Tensor bhsd = a.toTensor(Layout.BHSD);
        assertArrayEquals(new int[] {2, 3, 4, 5}, bhsd.shape());
        assertEquals(data[((1 * 3 + 2) * 4 + 3) * 5 + 4], bhsd.get(1, 2, 3, 4));
        Tensor bshd = a.toTensor(Layout.BSHD); // file shape [B=2, S=3, H=4, D=5]
        assertArrayEquals(new int[] {2, 4, 3, 5}, bshd.shape());
        assertEquals(data[((1 * 3 + 2) * 4 + 3) * 5 + 4], bshd.get(1, 3, 2, 4));
        Tensor three = NpyArray.ofFloats(new int[] {2, 12, 5}, data).toTensor(Layout.BSHD);
        assertArrayEquals(new int[] {2, 1, 12, 5}, three.shape());
        assertEquals(data[(1 * 12 + 7) * 5 + 2], three.get(1, 0, 7, 2));
    }

    @Test
    void toTensorRejectsOtherRanksAndEmptyDimensions() {
        NpyArray two = NpyArray.ofFloats(new int[] {4, 5}, new float[20]).named("Q.npy");
        assertContains(assertThrows(IllegalArgumentException.class, () -> two.toTensor(Layout.BHSD)).getMessage(),
                "Q.npy has shape (4, 5)", "4-D [B, H, S, D] (bhsd)");
        NpyArray empty = NpyArray.ofFloats(new int[] {1, 0, 2, 2}, new float[0]);
        assertContains(assertThrows(IllegalArgumentException.class, () -> empty.toTensor(Layout.BHSD)).getMessage(),
                "empty dimension");
        NpyArray bools = NpyArray.ofBooleans(new int[] {1, 1, 1, 1}, new boolean[1]);
        assertThrows(IllegalArgumentException.class, () -> bools.toTensor(Layout.BHSD));
    }

    @Test
    void tensorsAreWrittenInTheRequestedLayoutsOrder() throws IOException {
        Random r = new Random(7);
        Tensor t = Tensor.wrap(Gen.normal(r, 2 * 3 * 4 * 5), Layout.BHSD, 2, 3, 4, 5);
        Path p = dir.resolve("t.npy");
        for (Layout layout : Layout.values()) {
            Npy.write(p, t, layout);
            NpyArray back = Npy.read(p);
            assertArrayEquals(layout == Layout.BHSD ? new int[] {2, 3, 4, 5} : new int[] {2, 4, 3, 5}, back.shape());
            Tensor u = back.toTensor(layout);
            assertArrayEquals(t.toArray(), u.toArray(), layout.toString());
        }
        // A strided view (every other head) is written by its logical elements, not its backing array.
        Tensor view = Tensor.view(t.array(), 20, new int[] {2, 1, 4, 5}, new int[] {60, 40, 5, 1});
        Npy.write(p, view, Layout.BSHD);
        assertArrayEquals(view.toArray(), Npy.read(p).toTensor(Layout.BSHD).toArray());
    }

    // ---------------------------------------------------------------- atomic writing

    @Test
    void writeReplacesAnExistingFileAndLeavesNoTemporaryFiles() throws IOException {
        Path p = dir.resolve("o.npy");
        Files.writeString(p, "old");
        Npy.write(p, NpyArray.ofFloats(new int[] {1}, new float[] {3}));
        assertArrayEquals(new float[] {3}, Npy.read(p).asFloats());
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of(p), files.toList());
        }
    }

    @Test
    void writtenFilesGetTheSamePermissionsAsAnyNewFile() throws IOException {
        Assumptions.assumeTrue(dir.getFileSystem().supportedFileAttributeViews().contains("posix"));
        Path plain = Files.createFile(dir.resolve("plain"));
        Path p = dir.resolve("o.npy");
        Npy.write(p, NpyArray.ofFloats(new int[] {1}, new float[] {3}));
        assertEquals(Files.getPosixFilePermissions(plain), Files.getPosixFilePermissions(p));
    }

    @Test
    void failedWriteAllLeavesNeitherTargetNorTemporaryFiles() throws IOException {
        Map<Path, NpyArray> outputs = new LinkedHashMap<>();
        Path first = dir.resolve("O.npy");
        outputs.put(first, NpyArray.ofFloats(new int[] {1}, new float[] {1}));
        outputs.put(dir.resolve("missing/LSE.npy"), NpyArray.ofFloats(new int[] {1}, new float[] {2}));
        NoSuchFileException e = assertThrows(NoSuchFileException.class, () -> Npy.writeAll(outputs));
        assertContains(e.getMessage(), "LSE.npy", "does not exist");
        assertFalse(Files.exists(first));
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of(), files.toList());
        }
    }

    @Test
    void failedWriteDoesNotTouchAnExistingTargetBeforeTheMove() throws IOException {
        Path target = dir.resolve("keep.npy");
        Files.write(target, new byte[] {1, 2, 3});
        Path sub = Files.createDirectory(dir.resolve("sub"));
        Map<Path, NpyArray> outputs = new LinkedHashMap<>();
        outputs.put(sub.resolve("a.npy"), NpyArray.ofFloats(new int[] {1}, new float[] {1}));
        outputs.put(dir.resolve("nodir/b.npy"), NpyArray.ofFloats(new int[] {1}, new float[] {1}));
        outputs.put(target, NpyArray.ofFloats(new int[] {1}, new float[] {1}));
        assertThrows(IOException.class, () -> Npy.writeAll(outputs));
        assertArrayEquals(new byte[] {1, 2, 3}, Files.readAllBytes(target));
        try (Stream<Path> files = Files.list(sub)) {
            assertEquals(List.of(), files.toList());
        }
    }

    @Test
    void readsLargeArraysAcrossSeveralBufferChunks() throws IOException {
        // 600k doubles = 4.8 MB: several 1 MiB chunks, with a partial one at the end.
        int n = 600_001;
        ByteBuffer b = ByteBuffer.allocate(8 * n).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < n; i++) {
            b.putDouble(i * 0.5);
        }
        NpyArray a = Npy.read(put("big.npy", NpyBytes.file(dict("<f8", "(" + n + ",)"), b.array())));
        float[] f = a.asFloats();
        for (int i = 0; i < n; i += 9973) {
            assertEquals(i * 0.5f, f[i]);
        }
        assertEquals((n - 1) * 0.5f, f[n - 1]);
    }
}
