package dev.flashvec.simd;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * The only place outside vector kernels that touches {@code jdk.incubator.vector}: loaded reflectively by
 * {@link Simd} after it has checked that the module is readable. Also gives kernels their species.
 */
public final class VectorProbe {
    private VectorProbe() {}

    /** The CPU's preferred float vector width in bits. */
    public static int preferredBits() {
        return FloatVector.SPECIES_PREFERRED.vectorBitSize();
    }

    /** The float species of the width {@link Simd} chose; call only when the backend is VECTOR. */
    public static VectorSpecies<Float> floatSpecies() {
        return VectorSpecies.of(float.class, VectorShape.forBitSize(Simd.vectorBits()));
    }

    /** The int species with as many lanes as {@link #floatSpecies()}. */
    public static VectorSpecies<Integer> intSpecies() {
        return VectorSpecies.of(int.class, VectorShape.forBitSize(Simd.vectorBits()));
    }
}
