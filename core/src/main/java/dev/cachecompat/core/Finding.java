package dev.cachecompat.core;

/**
 * One thing an inspection noticed, with where it is.
 *
 * <p>Immutable and thread-safe.
 *
 * @param code a stable, machine-readable code in kebab case, e.g. {@code truncated}, {@code dangerous-global}
 * @param severity how much it matters
 * @param offset the byte offset in the payload it refers to, or {@link #NO_OFFSET} when there is none
 * @param message what was wrong and where, naming the bad value, e.g.
 *     {@code BINUNICODE at offset 17 claims 4294967295 bytes but 3 remain}
 */
public record Finding(String code, Severity severity, long offset, String message) {
  /** The offset of a finding that concerns the payload as a whole. */
  public static final long NO_OFFSET = -1;

  /**
   * Checks the fields.
   *
   * @throws NullPointerException if code, severity or message is null
   * @throws IllegalArgumentException if the offset is below {@link #NO_OFFSET}
   */
  public Finding {
    Checks.requireNonNull(code, "code");
    Checks.requireNonNull(severity, "severity");
    Checks.requireNonNull(message, "message");
    Checks.requireArgument(offset >= NO_OFFSET, "offset must be -1 or more: %s", offset);
  }

  /**
   * Whether the finding names a byte offset.
   *
   * @return true if {@link #offset()} is not {@link #NO_OFFSET}
   */
  public boolean hasOffset() {
    return offset != NO_OFFSET;
  }
}
