package dev.flashvec.simd;

import java.util.Optional;
import java.util.function.Supplier;
import java.util.logging.Logger;

/**
 * Decides once per JVM whether the Vector API kernels or the scalar kernels run, with which vector width,
 * and why; loads kernel implementations accordingly.
 *
 * <p>The Vector API is used when the {@code jdk.incubator.vector} module is readable (the JVM was started
 * with {@code --add-modules jdk.incubator.vector}) and the CPU's preferred float vector is at least 128
 * bits. Otherwise one warning is logged and scalar kernels run. Two system properties, read once, steer the
 * choice for testing: {@code flashvec.provider=scalar|vector} and {@code flashvec.vectorBits=128|256|512}
 * (at most the CPU's preferred width). The width becomes a compile-time constant of the vector kernels,
 * which is why it cannot change while the JVM runs.
 */
public final class Simd {
    private static final Logger LOG = Logger.getLogger(Simd.class.getName());
    private static final String PROBE = "dev.flashvec.simd.VectorProbe";

    private static final Backend BACKEND;
    private static final int VECTOR_BITS;
    private static final String REASON;

    static {
        String forced = System.getProperty("flashvec.provider", "").trim().toLowerCase();
        int preferred = preferredBits();
        String why;
        Backend backend;
        int bits = 0;
        if (forced.equals("scalar")) {
            backend = Backend.SCALAR;
            why = "scalar kernels forced by -Dflashvec.provider=scalar";
        } else if (preferred < 0) {
            backend = Backend.SCALAR;
            why = "jdk.incubator.vector is not readable; start the JVM with --add-modules jdk.incubator.vector"
                    + " for SIMD kernels (running scalar kernels, many times slower)";
        } else if (preferred < 128) {
            backend = Backend.SCALAR;
            why = "this CPU's preferred float vector is only " + preferred + " bits (running scalar kernels)";
        } else {
            backend = Backend.VECTOR;
            bits = preferred;
            why = "Vector API with " + preferred + "-bit float vectors";
            String forcedBits = System.getProperty("flashvec.vectorBits", "").trim();
            if (!forcedBits.isEmpty()) {
                int want = parseBits(forcedBits);
                if (want > 0 && want <= preferred) {
                    bits = want;
                    why = "Vector API with " + want + "-bit float vectors (forced by -Dflashvec.vectorBits; CPU prefers "
                            + preferred + ")";
                } else {
                    LOG.warning("ignoring -Dflashvec.vectorBits=" + forcedBits + ": expected 128, 256 or 512 and at most "
                            + preferred + " on this CPU");
                }
            }
        }
        if (backend == Backend.SCALAR && !forced.equals("scalar")) {
            LOG.warning("flashvec: " + why);
        }
        BACKEND = backend;
        VECTOR_BITS = bits;
        REASON = why;
    }

    private Simd() {}

    /** The backend chosen for this JVM. */
    public static Backend backend() {
        return BACKEND;
    }

    /** True when the Vector API kernels can run in this JVM. */
    public static boolean vectorAvailable() {
        return BACKEND == Backend.VECTOR;
    }

    /** Width in bits of the float vectors the vector kernels use, or 0 when the backend is scalar. */
    public static int vectorBits() {
        return VECTOR_BITS;
    }

    /** One sentence saying which backend runs and why. */
    public static String description() {
        return REASON;
    }

    /**
     * Returns the implementation for {@code backend}: a new instance of the named vector class (loaded
     * reflectively, so that this class never links against {@code jdk.incubator.vector}) or the scalar one.
     *
     * @throws IllegalArgumentException if {@code backend} is VECTOR but the Vector API is unavailable
     */
    public static <T> T select(Backend backend, Class<T> type, String vectorClassName, Supplier<? extends T> scalar) {
        if (backend == null) {
            throw new IllegalArgumentException("backend must not be null");
        }
        if (backend == Backend.SCALAR) {
            return scalar.get();
        }
        if (!vectorAvailable()) {
            throw new IllegalArgumentException("backend VECTOR was requested but " + REASON);
        }
        try {
            // Kernel classes are package-private beside the facade that uses them; this library is one
            // module (or the unnamed one), so opening their constructor to ourselves is allowed.
            var constructor = Class.forName(vectorClassName).getDeclaredConstructor();
            constructor.setAccessible(true);
            return type.cast(constructor.newInstance());
        } catch (ReflectiveOperationException | LinkageError e) {
            throw new IllegalStateException("cannot load vector kernel " + vectorClassName, e);
        }
    }

    private static int parseBits(String s) {
        try {
            int v = Integer.parseInt(s);
            return (v == 128 || v == 256 || v == 512) ? v : -1;
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** The CPU's preferred float vector width, or -1 when the module is not readable. */
    private static int preferredBits() {
        Optional<Module> vector = ModuleLayer.boot().findModule("jdk.incubator.vector");
        if (vector.isEmpty() || !Simd.class.getModule().canRead(vector.get())) {
            return -1;
        }
        try {
            Object bits = Class.forName(PROBE).getMethod("preferredBits").invoke(null);
            return (Integer) bits;
        } catch (ReflectiveOperationException | LinkageError e) {
            return -1;
        }
    }
}
