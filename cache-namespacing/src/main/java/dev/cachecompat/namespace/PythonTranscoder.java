package dev.cachecompat.namespace;

import dev.cachecompat.core.Checks;
import net.rubyeye.xmemcached.transcoders.CachedData;
import net.rubyeye.xmemcached.transcoders.CompressionMode;
import net.rubyeye.xmemcached.transcoders.Transcoder;

/**
 * An Xmemcached {@link Transcoder} that reads and writes values exactly as pymemcache, python-memcached and
 * pylibmc 1.6+ do: flags 0 raw bytes ({@code byte[]}), 16 UTF-8 text ({@code String}), 2 int and 4 long (Java
 * integral types and {@link java.math.BigInteger}), 1 pickle (anything else), 8 zlib-compressed (with any of the
 * others). In a {@link ValueFormat#JSON} namespace every value is canonical JSON with flags 0.
 *
 * <p>Xmemcached's own {@code SerializingTranscoder} uses flag 1 for Java serialization and 2 for compression:
 * keys shared with Python must never go through it.
 *
 * <p>{@link #decode} never throws for a bad payload unless the options are strict: an unsafe, malformed or
 * unloadable payload decodes to null (a miss) and is reported to the options' {@link PayloadListener} (with an
 * empty raw key, which a transcoder does not see). Immutable and thread-safe; the setters of the Transcoder
 * interface are refused, configure through {@link ValueOptions}.
 */
public final class PythonTranscoder implements Transcoder<Object> {
  private final Namespace namespace;
  private final Payloads payloads;

  private PythonTranscoder(Namespace namespace, Payloads payloads) {
    this.namespace = namespace;
    this.payloads = payloads;
  }

  /**
   * A transcoder for one namespace.
   *
   * @param namespace the namespace whose format and readers decide the encoding
   * @param options decoding limits, allowlist, strictness, listener and compression
   * @return the transcoder
   * @throws NullPointerException if an argument is null
   */
  public static PythonTranscoder forNamespace(Namespace namespace, ValueOptions options) {
    Checks.requireNonNull(namespace, "namespace");
    Checks.requireNonNull(options, "options");
    return new PythonTranscoder(namespace, Payloads.create(options));
  }

  /**
   * The namespace this transcoder writes for.
   *
   * @return the namespace
   */
  public Namespace namespace() {
    return namespace;
  }

  /**
   * Encodes a value with the flags a Python client would use.
   *
   * @param value the value, not null
   * @return flags and bytes
   * @throws NamespaceException ({@code unencodable-value}) if the namespace's format cannot carry the value
   * @throws NullPointerException if value is null
   */
  @Override
  public CachedData encode(Object value) {
    Checks.requireNonNull(value, "value");
    MemcachedValue v = payloads.encodeMemcached(namespace, value);
    return new CachedData(v.flags(), v.data());
  }

  /**
   * Decodes a stored value by its flags.
   *
   * @param data what memcached returned
   * @return the value, or null for a rejected payload in lenient mode
   * @throws NamespaceException for a rejected payload in strict mode
   */
  @Override
  public Object decode(CachedData data) {
    return Decoding.decode(payloads.options(), namespace, namespace, "",
        () -> payloads.decodeMemcached(namespace, namespace, data.getFlag(), data.getData()));
  }

  /** Refused: the transcoder is immutable. */
  @Override
  public void setPrimitiveAsString(boolean primitiveAsString) {
    throw new UnsupportedOperationException("PythonTranscoder is immutable; primitives are always Python's form");
  }

  /** Refused: the transcoder is immutable. */
  @Override
  public void setPackZeros(boolean packZeros) {
    throw new UnsupportedOperationException("PythonTranscoder is immutable");
  }

  /** Refused: the transcoder is immutable; use {@link ValueOptions.Builder#compressAbove(int)}. */
  @Override
  public void setCompressionThreshold(int to) {
    throw new UnsupportedOperationException("PythonTranscoder is immutable; use ValueOptions.compressAbove");
  }

  /**
   * Always false: primitives are written as Python clients write them.
   *
   * @return false
   */
  @Override
  public boolean isPrimitiveAsString() {
    return false;
  }

  /**
   * Always false.
   *
   * @return false
   */
  @Override
  public boolean isPackZeros() {
    return false;
  }

  /** Refused: compression is always zlib, as the Python clients use. */
  @Override
  public void setCompressionMode(CompressionMode compressMode) {
    throw new UnsupportedOperationException("PythonTranscoder always uses zlib, as the Python clients do");
  }
}
