package dev.cachecompat.namespace;

import dev.cachecompat.core.Checks;
import dev.cachecompat.core.PythonVersion;
import java.util.Objects;

/**
 * One key namespace of a shared cache: a {@link KeyScheme}, the oldest Python that reads it, and the
 * {@link ValueFormat} its values are written in.
 *
 * <p>For example {@code Namespace.django("shop", 2, PythonVersion.PY2_7)} is Django's {@code shop:2:key} read by
 * Python 2.7 workers, whose pickles are therefore written at protocol 2.
 *
 * <p>Immutable and thread-safe. Build with {@link #builder(KeyScheme, PythonVersion)} or the static factories.
 */
public final class Namespace {
  private final String name;
  private final KeyScheme scheme;
  private final PythonVersion readers;
  private final ValueFormat format;

  private Namespace(Builder b) {
    this.scheme = b.scheme;
    this.readers = b.readers;
    this.format = b.format;
    this.name = b.name != null ? b.name : defaultName(b.scheme);
  }

  private static String defaultName(KeyScheme scheme) {
    String p = scheme.rawPrefix();
    return p.endsWith(":") ? p.substring(0, p.length() - 1) : p;
  }

  /**
   * A Django namespace ({@code prefix:version:key}) in the pickle format.
   *
   * @param keyPrefix Django's KEY_PREFIX
   * @param version Django's VERSION
   * @param readers the oldest Python that reads this namespace
   * @return the namespace
   */
  public static Namespace django(String keyPrefix, int version, PythonVersion readers) {
    return builder(KeyScheme.django(keyPrefix, version), readers).build();
  }

  /**
   * A builder with the pickle format.
   *
   * @param scheme the key scheme
   * @param readers the oldest Python that reads this namespace
   * @return a new builder
   * @throws NullPointerException if an argument is null
   */
  public static Builder builder(KeyScheme scheme, PythonVersion readers) {
    return new Builder(scheme, readers);
  }

  /**
   * A builder starting from this namespace.
   *
   * @return a new builder
   */
  public Builder toBuilder() {
    return new Builder(scheme, readers).format(format).name(name);
  }

  /**
   * A short name for messages and metrics: by default the scheme's raw prefix without its trailing colon
   * ({@code shop:2}).
   *
   * @return the name
   */
  public String name() {
    return name;
  }

  /**
   * The key scheme.
   *
   * @return the scheme
   */
  public KeyScheme scheme() {
    return scheme;
  }

  /**
   * The oldest Python that reads this namespace.
   *
   * @return the version
   */
  public PythonVersion readers() {
    return readers;
  }

  /**
   * The value format.
   *
   * @return the format
   */
  public ValueFormat format() {
    return format;
  }

  /**
   * The pickle protocol written for this namespace: the highest its oldest reader loads (2 for Python 2.7, 3 for
   * 3.0, 4 for 3.4, 5 for 3.8).
   *
   * @return the protocol
   */
  public int pickleProtocol() {
    return readers.highestPickleProtocol();
  }

  /**
   * The raw key of a logical key in this namespace.
   *
   * @param key the logical key
   * @return the raw key
   */
  public String rawKey(String key) {
    return scheme.rawKey(key);
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof Namespace)) {
      return false;
    }
    Namespace n = (Namespace) o;
    return name.equals(n.name) && scheme.equals(n.scheme) && readers.equals(n.readers) && format == n.format;
  }

  @Override
  public int hashCode() {
    return Objects.hash(name, scheme, readers, format);
  }

  @Override
  public String toString() {
    return "Namespace[" + name + ", " + scheme + ", readers " + readers + "+, " + format
        + (format == ValueFormat.PICKLE ? " protocol " + pickleProtocol() : "") + "]";
  }

  /** Builds a {@link Namespace}. Not thread-safe. */
  public static final class Builder {
    private final KeyScheme scheme;
    private final PythonVersion readers;
    private ValueFormat format = ValueFormat.PICKLE;
    private String name;

    private Builder(KeyScheme scheme, PythonVersion readers) {
      this.scheme = Checks.requireNonNull(scheme, "scheme");
      this.readers = Checks.requireNonNull(readers, "readers");
    }

    /**
     * Sets the value format (default {@link ValueFormat#PICKLE}).
     *
     * @param format the format
     * @return this builder
     */
    public Builder format(ValueFormat format) {
      this.format = Checks.requireNonNull(format, "format");
      return this;
    }

    /**
     * Sets the name used in messages and metrics.
     *
     * @param name a non-empty name
     * @return this builder
     */
    public Builder name(String name) {
      Checks.requireNonNull(name, "name");
      Checks.requireArgument(!name.isEmpty(), "namespace name must not be empty");
      this.name = name;
      return this;
    }

    /**
     * Builds the namespace.
     *
     * @return the namespace
     */
    public Namespace build() {
      return new Namespace(this);
    }
  }
}
