package dev.cachecompat.json;

import dev.cachecompat.core.CacheCompatException;

/**
 * The one exception {@link CanonicalJson} throws for input it cannot parse or values it cannot write.
 *
 * <p>{@link #code()} is one of: {@code malformed} (not JSON as Python's {@code json.loads} reads it),
 * {@code invalid-utf8}, {@code too-deep}, {@code too-large}, {@code number-too-long}, {@code string-too-long},
 * {@code lone-surrogate}, {@code non-finite-number}, {@code duplicate-key}, {@code unsupported-type},
 * {@code unsortable-keys}. {@link #offset()} is the byte offset in the input for parse errors, and
 * {@link dev.cachecompat.core.Finding#NO_OFFSET} for values handed to a writer.
 */
public final class JsonCanonicalException extends CacheCompatException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param code the machine-readable code
   * @param offset the byte offset of the problem in the input, or -1
   * @param message what was wrong and where
   */
  public JsonCanonicalException(String code, long offset, String message) {
    super(code, offset, message, null);
  }

  /**
   * Creates the exception with a cause.
   *
   * @param code the machine-readable code
   * @param offset the byte offset of the problem in the input, or -1
   * @param message what was wrong and where
   * @param cause the underlying failure
   */
  public JsonCanonicalException(String code, long offset, String message, Throwable cause) {
    super(code, offset, message, cause);
  }
}
