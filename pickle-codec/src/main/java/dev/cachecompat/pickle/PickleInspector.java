package dev.cachecompat.pickle;

import dev.cachecompat.core.Checks;
import dev.cachecompat.core.Limits;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * Static validation of a pickle: one pass over the opcodes, building no object, that reports the protocol, the
 * oldest Python that can load it, every global it references, and whether it is valid, malformed, unsafe or over
 * a limit.
 *
 * <p>Immutable and thread-safe; build with {@link #builder()} or use {@link #defaults()}.
 */
public final class PickleInspector {
  private static final PickleInspector DEFAULTS = builder().build();

  private final Limits limits;
  private final Set<String> allowedGlobals;
  private final boolean persistentIds;
  private final boolean outOfBandBuffers;

  private PickleInspector(Builder b) {
    this.limits = b.limits;
    this.allowedGlobals = Set.copyOf(b.allowedGlobals);
    this.persistentIds = b.persistentIds;
    this.outOfBandBuffers = b.outOfBandBuffers;
  }

  /**
   * An inspector with {@link Limits#defaults()}, the built-in allowlist only, and neither persistent ids nor
   * out-of-band buffers.
   *
   * @return the shared default inspector
   */
  public static PickleInspector defaults() {
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
   * A builder starting from this inspector's settings.
   *
   * @return a new builder
   */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.limits = limits;
    b.allowedGlobals.addAll(allowedGlobals);
    b.persistentIds = persistentIds;
    b.outOfBandBuffers = outOfBandBuffers;
    return b;
  }

  /**
   * The limits this inspector enforces.
   *
   * @return the limits
   */
  public Limits limits() {
    return limits;
  }

  /**
   * The globals allowed beyond the built-in allowlist, as {@code module.name}.
   *
   * @return an unmodifiable set
   */
  public Set<String> allowedGlobals() {
    return allowedGlobals;
  }

  /**
   * Whether PERSID and BINPERSID are accepted (a persistent-id handler is configured).
   *
   * @return true if accepted
   */
  public boolean persistentIds() {
    return persistentIds;
  }

  /**
   * Whether NEXT_BUFFER and READONLY_BUFFER are accepted (out-of-band buffers are supplied).
   *
   * @return true if accepted
   */
  public boolean outOfBandBuffers() {
    return outOfBandBuffers;
  }

  /**
   * Inspects a whole payload. Never throws for bad input: problems are findings in the report.
   *
   * @param payload the pickle bytes
   * @return the report
   * @throws NullPointerException if payload is null
   */
  public PickleReport inspect(byte[] payload) {
    Checks.requireNonNull(payload, "payload");
    throw new UnsupportedOperationException("the inspector is being written on branch 'inspector'");
  }

  /** Builds a {@link PickleInspector}. Not thread-safe. */
  public static final class Builder {
    private Limits limits = Limits.defaults();
    private final Set<String> allowedGlobals = new LinkedHashSet<>();
    private boolean persistentIds;
    private boolean outOfBandBuffers;

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
     * Allows one more global, beyond the built-in allowlist. A denylisted global stays unsafe even when allowed.
     *
     * @param qualifiedName {@code module.name}, e.g. {@code myapp.models.Point}
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
     * Accepts PERSID and BINPERSID.
     *
     * @param accept true to accept
     * @return this builder
     */
    public Builder persistentIds(boolean accept) {
      this.persistentIds = accept;
      return this;
    }

    /**
     * Accepts NEXT_BUFFER and READONLY_BUFFER.
     *
     * @param accept true to accept
     * @return this builder
     */
    public Builder outOfBandBuffers(boolean accept) {
      this.outOfBandBuffers = accept;
      return this;
    }

    /**
     * Builds the inspector.
     *
     * @return the inspector
     */
    public PickleInspector build() {
      return new PickleInspector(this);
    }
  }
}
