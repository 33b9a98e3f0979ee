package dev.flashvec.testing;

import java.util.List;

/** A generated test case that can propose strictly smaller variants of itself for shrinking. */
public interface Shrinkable<T> {
    /** Smaller candidates, most aggressive first; empty when nothing is smaller. */
    List<T> shrink();
}
