package dev.cachecompat.namespace;

import dev.cachecompat.core.Checks;
import dev.cachecompat.core.Limits;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * How values are decoded and encoded: the limits and the allowlist every payload is inspected against, strict or
 * lenient handling of rejected payloads, and memcached compression.
 *
 * <p>By default a rejected payload (unsafe, malformed, over a limit, not loadable by the namespace's readers) is a
 * cache miss reported to the {@link PayloadListener}; in strict mode it throws {@link NamespaceException}.
 *
 * <p>Immutable and thread-safe. Build with {@link #builder()} or use {@link #defaults()}.
 */
public final class ValueOptions {
  private static final ValueOptions DEFAULTS = builder().build();

  private final Limits limits;
  private final Set<String> allowedGlobals;
  private final boolean strict;
  private final PayloadListener listener;
  private final int compressAbove;

  private ValueOptions(Builder b) {
    this.limits = b.limits;
    this.allowedGlobals = Set.copyOf(b.allowedGlobals);
    this.strict = b.strict;
    this.listener = b.listener;
    this.compressAbove = b.compressAbove;
  }

  /**
   * Default limits, the built-in pickle allowlist only, lenient, no listener, no compression.
   *
   * @return the defaults
   */
  public static ValueOptions defaults() {
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
   * A builder starting from these options.
   *
   * @return a new builder
   */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.limits = limits;
    b.allowedGlobals.addAll(allowedGlobals);
    b.strict = strict;
    b.listener = listener;
    b.compressAbove = compressAbove;
    return b;
  }

  /**
   * The limits every payload is inspected against (decompressed memcached values are bounded by
   * {@link Limits#maxPayloadBytes()} too).
   *
   * @return the limits
   */
  public Limits limits() {
    return limits;
  }

  /**
   * Globals allowed in pickles beyond the built-in allowlist.
   *
   * @return an unmodifiable set of {@code module.name}
   */
  public Set<String> allowedGlobals() {
    return allowedGlobals;
  }

  /**
   * Whether a rejected payload throws instead of being a miss.
   *
   * @return true in strict mode
   */
  public boolean strict() {
    return strict;
  }

  /**
   * The listener told about rejected payloads.
   *
   * @return the listener, {@link PayloadListener#NONE} by default
   */
  public PayloadListener listener() {
    return listener;
  }

  /**
   * The size above which memcached values are zlib-compressed (flag 8), or -1 for never.
   *
   * @return the threshold in bytes, or -1
   */
  public int compressAbove() {
    return compressAbove;
  }

  /** Builds {@link ValueOptions}. Not thread-safe. */
  public static final class Builder {
    private Limits limits = Limits.defaults();
    private final Set<String> allowedGlobals = new LinkedHashSet<>();
    private boolean strict;
    private PayloadListener listener = PayloadListener.NONE;
    private int compressAbove = -1;

    private Builder() {}

    /**
     * Sets the limits.
     *
     * @param limits the limits
     * @return this builder
     */
    public Builder limits(Limits limits) {
      this.limits = Checks.requireNonNull(limits, "limits");
      return this;
    }

    /**
     * Allows one more global in pickles (see the pickle-codec inspector).
     *
     * @param qualifiedName {@code module.name}
     * @return this builder
     * @throws IllegalArgumentException if the name has no dot
     */
    public Builder allowGlobal(String qualifiedName) {
      Checks.requireNonNull(qualifiedName, "qualifiedName");
      Checks.requireArgument(qualifiedName.indexOf('.') > 0 && !qualifiedName.endsWith("."),
          "global must be module.name: '%s'", qualifiedName);
      allowedGlobals.add(qualifiedName);
      return this;
    }

    /**
     * Sets strict mode: rejected payloads throw {@link NamespaceException} instead of being misses.
     *
     * @param strict true for strict
     * @return this builder
     */
    public Builder strict(boolean strict) {
      this.strict = strict;
      return this;
    }

    /**
     * Sets the listener told about rejected payloads (in both modes).
     *
     * @param listener the listener
     * @return this builder
     */
    public Builder listener(PayloadListener listener) {
      this.listener = Checks.requireNonNull(listener, "listener");
      return this;
    }

    /**
     * Compresses memcached values longer than {@code bytes} with zlib (flag 8), as python-memcached and pylibmc
     * do with {@code min_compress_len}; -1 (the default) never compresses. A value is kept uncompressed when
     * compression does not make it smaller.
     *
     * @param bytes the threshold, or -1
     * @return this builder
     * @throws IllegalArgumentException if below -1
     */
    public Builder compressAbove(int bytes) {
      Checks.requireArgument(bytes >= -1, "compression threshold must be -1 or more: %s", bytes);
      this.compressAbove = bytes;
      return this;
    }

    /**
     * Builds the options.
     *
     * @return the options
     */
    public ValueOptions build() {
      return new ValueOptions(this);
    }
  }
}
