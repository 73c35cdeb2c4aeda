package dev.cachecompat.core;

/**
 * Argument checks for public methods. Each throws {@link IllegalArgumentException} or
 * {@link NullPointerException}, which mark a caller's programming error rather than bad input data.
 */
public final class Checks {
  private Checks() {}

  /**
   * Throws {@link IllegalArgumentException} with the formatted message unless {@code condition} holds.
   *
   * @param condition what must be true
   * @param format a {@link String#format} pattern naming the bad value
   * @param args the pattern's arguments
   */
  public static void requireArgument(boolean condition, String format, Object... args) {
    if (!condition) {
      throw new IllegalArgumentException(String.format(format, args));
    }
  }

  /**
   * Returns {@code value}, or throws {@link NullPointerException} naming {@code what} if it is null.
   *
   * @param value the value to check
   * @param what the parameter's name, for the message
   * @param <T> the value's type
   * @return {@code value}
   */
  public static <T> T requireNonNull(T value, String what) {
    if (value == null) {
      throw new NullPointerException(what + " must not be null");
    }
    return value;
  }
}
