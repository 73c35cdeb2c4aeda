package dev.cachecompat.core;

import java.util.Objects;

/**
 * How much one payload may cost to inspect or decode. Every limit is checked before anything is allocated for
 * the thing it limits, so hostile input is refused cheaply (verdict {@link Verdict#OVER_LIMIT}).
 *
 * <p>Immutable and thread-safe. Build with {@link #builder()}, start from {@link #defaults()}, or adjust one with
 * {@link #toBuilder()}.
 */
public final class Limits {
  private static final Limits DEFAULTS = new Builder().build();

  private final long maxPayloadBytes;
  private final long maxStringBytes;
  private final int maxDepth;
  private final int maxMemoEntries;
  private final long maxObjects;
  private final long maxExpandedSize;
  private final int maxIntDigits;

  private Limits(Builder b) {
    this.maxPayloadBytes = b.maxPayloadBytes;
    this.maxStringBytes = b.maxStringBytes;
    this.maxDepth = b.maxDepth;
    this.maxMemoEntries = b.maxMemoEntries;
    this.maxObjects = b.maxObjects;
    this.maxExpandedSize = b.maxExpandedSize;
    this.maxIntDigits = b.maxIntDigits;
  }

  /**
   * The default limits: 64 MiB payloads, 16 MiB strings, depth 1,000, 1,000,000 memo entries, 10,000,000
   * objects, an expanded size of 10,000,000 elements, and 4,300 decimal digits (CPython 3.11's own limit).
   *
   * @return the defaults
   */
  public static Limits defaults() {
    return DEFAULTS;
  }

  /**
   * A builder starting from the defaults.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * A builder starting from these limits.
   *
   * @return a new builder
   */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.maxPayloadBytes = maxPayloadBytes;
    b.maxStringBytes = maxStringBytes;
    b.maxDepth = maxDepth;
    b.maxMemoEntries = maxMemoEntries;
    b.maxObjects = maxObjects;
    b.maxExpandedSize = maxExpandedSize;
    b.maxIntDigits = maxIntDigits;
    return b;
  }

  /**
   * The largest payload accepted, in bytes.
   *
   * @return the limit
   */
  public long maxPayloadBytes() {
    return maxPayloadBytes;
  }

  /**
   * The largest single string, bytes or bytearray value, in bytes.
   *
   * @return the limit
   */
  public long maxStringBytes() {
    return maxStringBytes;
  }

  /**
   * The deepest nesting of containers (and MARKs) accepted.
   *
   * @return the limit
   */
  public int maxDepth() {
    return maxDepth;
  }

  /**
   * The most memo entries (PUT, BINPUT, LONG_BINPUT, MEMOIZE) one payload may create.
   *
   * @return the limit
   */
  public int maxMemoEntries() {
    return maxMemoEntries;
  }

  /**
   * The most objects one payload may create.
   *
   * @return the limit
   */
  public long maxObjects() {
    return maxObjects;
  }

  /**
   * The most elements the decoded value may have once shared references are counted every time they are
   * reached: the defence against "billion laughs" payloads that share one list many times over.
   *
   * @return the limit
   */
  public long maxExpandedSize() {
    return maxExpandedSize;
  }

  /**
   * The most digits in a decimal integer literal (CPython 3.11+ refuses more than 4,300).
   *
   * @return the limit
   */
  public int maxIntDigits() {
    return maxIntDigits;
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof Limits)) {
      return false;
    }
    Limits l = (Limits) o;
    return maxPayloadBytes == l.maxPayloadBytes
        && maxStringBytes == l.maxStringBytes
        && maxDepth == l.maxDepth
        && maxMemoEntries == l.maxMemoEntries
        && maxObjects == l.maxObjects
        && maxExpandedSize == l.maxExpandedSize
        && maxIntDigits == l.maxIntDigits;
  }

  @Override
  public int hashCode() {
    return Objects.hash(
        maxPayloadBytes, maxStringBytes, maxDepth, maxMemoEntries, maxObjects, maxExpandedSize, maxIntDigits);
  }

  @Override
  public String toString() {
    return "Limits{maxPayloadBytes=" + maxPayloadBytes
        + ", maxStringBytes=" + maxStringBytes
        + ", maxDepth=" + maxDepth
        + ", maxMemoEntries=" + maxMemoEntries
        + ", maxObjects=" + maxObjects
        + ", maxExpandedSize=" + maxExpandedSize
        + ", maxIntDigits=" + maxIntDigits + "}";
  }

  /** Builds {@link Limits}. Not thread-safe. */
  public static final class Builder {
    private long maxPayloadBytes = 64L << 20;
    private long maxStringBytes = 16L << 20;
    private int maxDepth = 1_000;
    private int maxMemoEntries = 1_000_000;
    private long maxObjects = 10_000_000L;
    private long maxExpandedSize = 10_000_000L;
    private int maxIntDigits = 4_300;

    private Builder() {}

    /**
     * Sets the largest payload accepted.
     *
     * @param bytes a positive number of bytes
     * @return this builder
     * @throws IllegalArgumentException if not positive
     */
    public Builder maxPayloadBytes(long bytes) {
      Checks.requireArgument(bytes > 0, "maximum payload bytes must be positive: %s", bytes);
      this.maxPayloadBytes = bytes;
      return this;
    }

    /**
     * Sets the largest single string, bytes or bytearray.
     *
     * @param bytes a positive number of bytes
     * @return this builder
     * @throws IllegalArgumentException if not positive
     */
    public Builder maxStringBytes(long bytes) {
      Checks.requireArgument(bytes > 0, "maximum string bytes must be positive: %s", bytes);
      this.maxStringBytes = bytes;
      return this;
    }

    /**
     * Sets the deepest nesting accepted.
     *
     * @param depth a positive depth
     * @return this builder
     * @throws IllegalArgumentException if not positive
     */
    public Builder maxDepth(int depth) {
      Checks.requireArgument(depth > 0, "maximum depth must be positive: %s", depth);
      this.maxDepth = depth;
      return this;
    }

    /**
     * Sets the most memo entries.
     *
     * @param entries a positive count
     * @return this builder
     * @throws IllegalArgumentException if not positive
     */
    public Builder maxMemoEntries(int entries) {
      Checks.requireArgument(entries > 0, "maximum memo entries must be positive: %s", entries);
      this.maxMemoEntries = entries;
      return this;
    }

    /**
     * Sets the most objects.
     *
     * @param objects a positive count
     * @return this builder
     * @throws IllegalArgumentException if not positive
     */
    public Builder maxObjects(long objects) {
      Checks.requireArgument(objects > 0, "maximum objects must be positive: %s", objects);
      this.maxObjects = objects;
      return this;
    }

    /**
     * Sets the most elements of the value with shared references expanded.
     *
     * @param elements a positive count
     * @return this builder
     * @throws IllegalArgumentException if not positive
     */
    public Builder maxExpandedSize(long elements) {
      Checks.requireArgument(elements > 0, "maximum expanded size must be positive: %s", elements);
      this.maxExpandedSize = elements;
      return this;
    }

    /**
     * Sets the most digits in a decimal integer literal.
     *
     * @param digits a positive count
     * @return this builder
     * @throws IllegalArgumentException if not positive
     */
    public Builder maxIntDigits(int digits) {
      Checks.requireArgument(digits > 0, "maximum integer digits must be positive: %s", digits);
      this.maxIntDigits = digits;
      return this;
    }

    /**
     * Builds the limits.
     *
     * @return the limits
     */
    public Limits build() {
      return new Limits(this);
    }
  }
}
