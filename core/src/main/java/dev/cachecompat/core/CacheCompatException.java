package dev.cachecompat.core;

/**
 * The base of every exception a cachecompat public method throws for bad input or a failed operation.
 *
 * <p>Each carries a stable machine-readable {@link #code()} (kebab case, e.g. {@code truncated},
 * {@code key-too-long}, {@code server-unavailable}) and, for input errors, the byte {@link #offset()} where the
 * problem was found. The message names the problem, the bad value and where.
 *
 * <p>Modules throw subclasses of this type; callers that only care that "cachecompat refused" catch this one.
 */
public class CacheCompatException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final String code;
  private final long offset;

  /**
   * Creates an exception without an offset.
   *
   * @param code the machine-readable code
   * @param message what was wrong and where
   */
  public CacheCompatException(String code, String message) {
    this(code, Finding.NO_OFFSET, message, null);
  }

  /**
   * Creates an exception.
   *
   * @param code the machine-readable code
   * @param offset the byte offset of the problem, or {@link Finding#NO_OFFSET}
   * @param message what was wrong and where
   * @param cause the underlying failure, or null
   */
  public CacheCompatException(String code, long offset, String message, Throwable cause) {
    super(message, cause);
    this.code = Checks.requireNonNull(code, "code");
    Checks.requireArgument(offset >= Finding.NO_OFFSET, "offset must be -1 or more: %s", offset);
    this.offset = offset;
  }

  /**
   * The stable machine-readable code of the problem.
   *
   * @return the code, never null
   */
  public String code() {
    return code;
  }

  /**
   * The byte offset in the input where the problem was found.
   *
   * @return the offset, or {@link Finding#NO_OFFSET} when there is none
   */
  public long offset() {
    return offset;
  }
}
