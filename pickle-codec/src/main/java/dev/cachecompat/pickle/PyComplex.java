package dev.cachecompat.pickle;

/**
 * A Python {@code complex}.
 *
 * <p>Immutable; compares its parts with {@link Double#compare}, so {@code -0.0} and NaN behave as in
 * {@link Double#equals}.
 *
 * @param real the real part
 * @param imag the imaginary part
 */
public record PyComplex(double real, double imag) {}
