package dev.cachecompat.pickle;

import dev.cachecompat.core.Checks;

/**
 * A Python {@code decimal.Decimal} that {@link java.math.BigDecimal} cannot hold: {@code NaN}, {@code sNaN}
 * (either with a diagnostic payload), {@code Infinity}, {@code -Infinity}, or a negative zero such as
 * {@code -0E-7}. Every other Decimal decodes to a {@code BigDecimal} whose {@code toString()} is Python's
 * {@code str()} of it.
 *
 * <p>Immutable.
 *
 * @param text Python's {@code str()} of the value, e.g. {@code NaN}, {@code -Infinity}, {@code -0.00}
 */
public record PyDecimal(String text) {
  /**
   * Checks the field.
   *
   * @throws NullPointerException if text is null
   */
  public PyDecimal {
    Checks.requireNonNull(text, "text");
  }
}
