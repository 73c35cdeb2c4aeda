package dev.cachecompat.namespace;

import dev.cachecompat.core.Checks;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * What happens to a raw key memcached would refuse: more than {@value #MAX_KEY_BYTES} bytes of UTF-8, or a
 * character Django's {@code memcache_key_warnings} flags (code points below 33, which include space and every
 * ASCII control character, and 127).
 *
 * <p>{@link #REJECT} (the default) throws, as Django's memcached backends do. {@link #HASH} is opt-in: an invalid
 * raw key becomes {@code head + "#" + sha256hex(utf8(rawKey))}, where {@code head} is the longest run of valid
 * characters at the start of the raw key that fits in {@value #MAX_HEAD_BYTES} bytes (so the namespace prefix
 * stays readable), and the whole is at most 250 bytes. Valid keys are never hashed. The Python side must apply the
 * same function (docs/cache-namespacing.md has it in ten lines of Python); hashed keys cannot be mapped back to
 * logical keys, so a migration skips them.
 */
public enum MemcachedKeyPolicy {
  /** Throw {@link NamespaceException} for an invalid key. */
  REJECT,
  /** Replace an invalid key by a readable head plus the SHA-256 of the whole raw key. */
  HASH;

  /** The longest key memcached accepts, in bytes. */
  public static final int MAX_KEY_BYTES = 250;
  /** The longest head kept before the hash by {@link #HASH}: 250 - 1 ('#') - 64 (hex digest). */
  public static final int MAX_HEAD_BYTES = MAX_KEY_BYTES - 1 - 64;

  /**
   * The key to send to memcached for a raw key.
   *
   * @param rawKey the raw key (namespace prefix included)
   * @return the raw key itself when valid; under {@link #HASH} the hashed form of an invalid one
   * @throws NamespaceException under {@link #REJECT} for an invalid key (codes {@code key-too-long},
   *     {@code key-invalid-character}, {@code key-unpaired-surrogate}), and under both for an unpaired surrogate
   * @throws NullPointerException if rawKey is null
   */
  public String wireKey(String rawKey) {
    Checks.requireNonNull(rawKey, "rawKey");
    String problem = problem(rawKey);
    if (problem == null) {
      return rawKey;
    }
    if (this == REJECT || problem.equals("key-unpaired-surrogate")) {
      throw new NamespaceException(problem, describe(problem, rawKey));
    }
    return hashed(rawKey);
  }

  /**
   * Whether memcached accepts the raw key as it is.
   *
   * @param rawKey the raw key
   * @return true if no more than 250 bytes of UTF-8 and no character below 33 or equal to 127
   * @throws NullPointerException if rawKey is null
   */
  public static boolean isValid(String rawKey) {
    return problem(Checks.requireNonNull(rawKey, "rawKey")) == null;
  }

  static String problem(String key) {
    int bytes = 0;
    for (int i = 0; i < key.length(); ) {
      int cp = key.codePointAt(i);
      if (Character.isSurrogate((char) cp) && cp <= 0xFFFF) {
        return "key-unpaired-surrogate";
      }
      if (cp < 33 || cp == 127) {
        return "key-invalid-character";
      }
      bytes += utf8Length(cp);
      i += Character.charCount(cp);
    }
    return bytes > MAX_KEY_BYTES ? "key-too-long" : null;
  }

  private static String describe(String problem, String key) {
    switch (problem) {
      case "key-too-long":
        return "memcached key is " + key.getBytes(StandardCharsets.UTF_8).length + " bytes of UTF-8, over the "
            + MAX_KEY_BYTES + "-byte limit: '" + abbreviate(key) + "'";
      case "key-unpaired-surrogate":
        return "memcached key has an unpaired surrogate at index " + firstBadIndex(key, true)
            + " and cannot be encoded as UTF-8: '" + abbreviate(key) + "'";
      default:
        int at = firstBadIndex(key, false);
        return String.format("memcached key has character U+%04X at index %d (no whitespace or control"
            + " characters allowed): '%s'", key.codePointAt(at), at, abbreviate(key));
    }
  }

  private static int firstBadIndex(String key, boolean surrogate) {
    for (int i = 0; i < key.length(); ) {
      int cp = key.codePointAt(i);
      boolean bad = surrogate ? Character.isSurrogate((char) cp) && cp <= 0xFFFF : cp < 33 || cp == 127;
      if (bad) {
        return i;
      }
      i += Character.charCount(cp);
    }
    return -1;
  }

  private static String abbreviate(String key) {
    StringBuilder b = new StringBuilder();
    int n = 0;
    for (int i = 0; i < key.length() && n < 80; i++, n++) {
      char c = key.charAt(i);
      if (c < 32 || c == 127) {
        b.append(String.format("\\x%02x", (int) c));
      } else {
        b.append(c);
      }
    }
    if (n < key.length()) {
      b.append("...");
    }
    return b.toString();
  }

  static String hashed(String rawKey) {
    StringBuilder head = new StringBuilder();
    int bytes = 0;
    for (int i = 0; i < rawKey.length(); ) {
      int cp = rawKey.codePointAt(i);
      int w = utf8Length(cp);
      if (cp < 33 || cp == 127 || bytes + w > MAX_HEAD_BYTES) {
        break;
      }
      head.appendCodePoint(cp);
      bytes += w;
      i += Character.charCount(cp);
    }
    byte[] digest;
    try {
      digest = MessageDigest.getInstance("SHA-256").digest(rawKey.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform has SHA-256", e);
    }
    head.append('#');
    for (byte d : digest) {
      head.append(Character.forDigit((d >> 4) & 0xF, 16)).append(Character.forDigit(d & 0xF, 16));
    }
    return head.toString();
  }

  private static int utf8Length(int cp) {
    return cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
  }
}
