package dev.cachecompat.namespace;

import dev.cachecompat.core.Checks;

/**
 * How a logical cache key becomes the raw key stored on the server, and back.
 *
 * <p>The two built-in schemes are what the Python side writes: {@link #django(String, int)} (Django's
 * {@code default_key_func}, {@code KEY_PREFIX:VERSION:key}) and {@link #prefix(String)} ({@code prefix + key}).
 * A custom scheme implements both methods so that {@code logicalKey(rawKey(k)).equals(k)} for every key and
 * {@code logicalKey} returns null for every raw key the scheme did not make.
 *
 * <p>Implementations must be immutable and thread-safe.
 */
public interface KeyScheme {
  /**
   * The raw key for a logical key.
   *
   * @param key the logical key, not null
   * @return the raw key, never null
   * @throws NullPointerException if key is null
   */
  String rawKey(String key);

  /**
   * The logical key a raw key was made from, or null if the raw key does not belong to this scheme.
   *
   * @param rawKey a raw key as read from the server (from SCAN, KEYS or a memcached metadump)
   * @return the logical key, or null
   * @throws NullPointerException if rawKey is null
   */
  String logicalKey(String rawKey);

  /**
   * The part every raw key of this scheme starts with, used to build SCAN MATCH patterns and to find a
   * namespace's entries in a metadump.
   *
   * @return the fixed prefix of every raw key (may be empty)
   */
  String rawPrefix();

  /**
   * Django's {@code default_key_func}: {@code '%s:%s:%s' % (key_prefix, version, key)}.
   *
   * @param keyPrefix Django's {@code KEY_PREFIX} (may be empty, as Django's default is)
   * @param version Django's {@code VERSION}
   * @return the scheme
   * @throws NullPointerException if keyPrefix is null
   */
  static KeyScheme django(String keyPrefix, int version) {
    Checks.requireNonNull(keyPrefix, "keyPrefix");
    return new PrefixScheme(keyPrefix + ":" + version + ":", "django(" + keyPrefix + ", " + version + ")");
  }

  /**
   * A fixed prefix: {@code prefix + key}.
   *
   * @param prefix the prefix (may be empty: raw keys are then the logical keys)
   * @return the scheme
   * @throws NullPointerException if prefix is null
   */
  static KeyScheme prefix(String prefix) {
    Checks.requireNonNull(prefix, "prefix");
    return new PrefixScheme(prefix, "prefix(" + prefix + ")");
  }
}
