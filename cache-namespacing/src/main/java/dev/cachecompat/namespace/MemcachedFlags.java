package dev.cachecompat.namespace;

/**
 * The memcached flags the Python clients write (pymemcache's {@code python_memcache_serializer},
 * python-memcached, pylibmc 1.6+): what a value's bytes are. {@link #COMPRESSED} combines with the others.
 * Xmemcached's own SerializingTranscoder gives 1 and 2 other meanings: shared keys must never go through it.
 */
public final class MemcachedFlags {
  /** Raw bytes (Python 3 {@code bytes}, Python 2 {@code str}). */
  public static final int BYTES = 0;
  /** A pickle. */
  public static final int PICKLE = 1;
  /** An int, as decimal digits. */
  public static final int INTEGER = 1 << 1;
  /** A Python 2 long, as decimal digits. */
  public static final int LONG = 1 << 2;
  /** zlib-compressed, combined with one of the others. */
  public static final int COMPRESSED = 1 << 3;
  /** UTF-8 text (Python 3 {@code str}). */
  public static final int TEXT = 1 << 4;

  private MemcachedFlags() {}
}
