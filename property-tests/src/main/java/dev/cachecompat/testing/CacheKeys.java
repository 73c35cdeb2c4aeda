package dev.cachecompat.testing;

import dev.cachecompat.core.Checks;
import java.nio.charset.StandardCharsets;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;

/**
 * jqwik arbitraries for cache keys: valid and invalid memcached keys, and Redis keys with and without cluster
 * hash tags, including the tag-parsing traps ({@code {}}, {@code {{a}}}, {@code a{b}{c}}, {@code }{a}}).
 *
 * <p>A memcached key is valid when it is 1 to {@value #MEMCACHED_MAX_KEY_BYTES} bytes of UTF-8 with no byte
 * 0x00-0x20 or 0x7F (no control characters, spaces or newlines): what the text protocol and
 * pymemcache/python-memcached accept. {@link #isValidMemcachedKey(String)} says so for any string.
 *
 * <p>All methods are static and thread-safe; each returns a new arbitrary.
 */
public final class CacheKeys {
  /** The longest memcached key, in bytes. */
  public static final int MEMCACHED_MAX_KEY_BYTES = 250;

  private CacheKeys() {}

  /**
   * Valid memcached keys: printable ASCII, sometimes with non-ASCII characters, from one byte to exactly 250
   * bytes.
   *
   * @return valid keys
   */
  public static Arbitrary<String> memcachedKeys() {
    Arbitrary<Character> printable = Arbitraries.chars().range('!', '~');
    Arbitrary<String> ascii = printable.list().ofMinSize(1).ofMaxSize(40)
        .map(CacheKeys::join);
    Arbitrary<String> full = printable.list().ofSize(MEMCACHED_MAX_KEY_BYTES).map(CacheKeys::join);
    Arbitrary<String> structured = Combinators.combine(
        Arbitraries.of("user", "session", "v1:user", "django.cache", ":1:", "app"),
        Arbitraries.strings().withCharRange('a', 'z').withCharRange('0', '9').ofMinLength(1).ofMaxLength(20))
        .as((a, b) -> a + ":" + b);
    Arbitrary<String> unicode = Arbitraries.frequencyOf(
            Tuple.of(3, printable.map(String::valueOf)),
            Tuple.of(1, Arbitraries.of("\u00e9", "\u20ac", "\ud83d\ude00", "\u00a0", "\u4e2d")))
        .list().ofMinSize(1).ofMaxSize(30).map(l -> String.join("", l));
    return Arbitraries.frequencyOf(Tuple.of(4, ascii), Tuple.of(1, full), Tuple.of(3, structured),
        Tuple.of(1, unicode)).filter(CacheKeys::isValidMemcachedKey);
  }

  /**
   * Invalid memcached keys: empty, 251 bytes and more (also 250 characters that are more than 250 bytes),
   * and keys with a space, tab, CR, LF, NUL, another control character or DEL.
   *
   * @return invalid keys
   */
  public static Arbitrary<String> invalidMemcachedKeys() {
    Arbitrary<String> tooLong = Arbitraries.strings().withCharRange('a', 'z')
        .ofMinLength(MEMCACHED_MAX_KEY_BYTES + 1).ofMaxLength(400);
    Arbitrary<String> tooManyBytes = Arbitraries.integers().between(1, MEMCACHED_MAX_KEY_BYTES)
        .map(n -> "\u00e9".repeat(n) + "x".repeat(MEMCACHED_MAX_KEY_BYTES - n) + "\u00e9");
    Arbitrary<String> withBad = Combinators.combine(memcachedKeys(),
        Arbitraries.of(" ", "\t", "\r", "\n", "\r\n", "\u0000", "\u0001", "\u001f", "\u007f", "\u000b"),
        Arbitraries.integers().between(0, 1000))
        .as((k, bad, at) -> {
          int i = Math.min(at, k.length());
          if (i > 0 && i < k.length() && Character.isLowSurrogate(k.charAt(i))) {
            i--;
          }
          return k.substring(0, i) + bad + k.substring(i);
        });
    return Arbitraries.frequencyOf(Tuple.of(1, Arbitraries.just("")), Tuple.of(2, tooLong),
        Tuple.of(1, tooManyBytes), Tuple.of(5, withBad)).filter(k -> !isValidMemcachedKey(k));
  }

  /**
   * Any key a caller might pass, valid or not: a mix of {@link #memcachedKeys()},
   * {@link #invalidMemcachedKeys()}, {@link #redisKeys()} and arbitrary text.
   *
   * @return keys
   */
  public static Arbitrary<String> anyKeys() {
    return Arbitraries.frequencyOf(Tuple.of(3, memcachedKeys()), Tuple.of(2, invalidMemcachedKeys()),
        Tuple.of(2, redisKeys().map(HashTaggedKey::key)), Tuple.of(1, PythonValues.text(true)));
  }

  /**
   * A Redis key and the part Redis Cluster hashes to pick its slot.
   *
   * @param key the key
   * @param hashedPart the hash tag when the key has one, else the whole key ({@link #hashedPart(String)})
   */
  public record HashTaggedKey(String key, String hashedPart) {
    /**
     * Checks the arguments.
     *
     * @throws NullPointerException if an argument is null
     */
    public HashTaggedKey {
      Checks.requireNonNull(key, "key");
      Checks.requireNonNull(hashedPart, "hashedPart");
    }

    /**
     * Whether the key has a non-empty hash tag.
     *
     * @return true when Redis hashes only part of the key
     */
    public boolean tagged() {
      return !hashedPart.equals(key);
    }
  }

  /**
   * Redis keys, most with a hash tag ({@code user:{42}:profile}), some with the traps where Redis does not use
   * the braces (an empty tag {@code {}...}, a {@code }} before the first {@code {}) or uses only the first tag.
   *
   * @return keys with their hashed part
   */
  public static Arbitrary<HashTaggedKey> redisKeys() {
    Arbitrary<String> word = Arbitraries.strings().withCharRange('a', 'z').withCharRange('0', '9')
        .withChars(':', '-', '_').ofMinLength(0).ofMaxLength(12);
    Arbitrary<String> tag = Arbitraries.strings().withCharRange('a', 'z').withCharRange('0', '9')
        .withChars('{', ':').ofMinLength(1).ofMaxLength(10);
    Arbitrary<String> tagged = Combinators.combine(word, tag, word).as((a, t, b) -> a + "{" + t + "}" + b);
    Arbitrary<String> traps = Combinators.combine(word,
            Arbitraries.of("{}", "{{a}}", "{a}{b}", "}{a}", "{", "}", "{}{a}", "{a", "{\u00e9}", "{\ud83d\ude00}"),
            word)
        .as((a, t, b) -> a.replace("{", "").replace("}", "") + t + b.replace("{", "").replace("}", ""));
    return Arbitraries.frequencyOf(Tuple.of(4, tagged), Tuple.of(2, traps), Tuple.of(1, word))
        .filter(k -> !k.isEmpty()).map(k -> new HashTaggedKey(k, hashedPart(k)));
  }

  /**
   * What Redis Cluster hashes for {@code key}: the characters between the first {@code {} and the first
   * {@code }} after it when there are any, else the whole key (the rule in the Redis Cluster specification).
   *
   * @param key a key
   * @return the hashed part
   * @throws NullPointerException if key is null
   */
  public static String hashedPart(String key) {
    Checks.requireNonNull(key, "key");
    int open = key.indexOf('{');
    if (open < 0) {
      return key;
    }
    int close = key.indexOf('}', open + 1);
    if (close < 0 || close == open + 1) {
      return key;
    }
    return key.substring(open + 1, close);
  }

  /**
   * The Redis Cluster slot of {@code key}: CRC16 (XMODEM) of the UTF-8 bytes of its hashed part, modulo 16384.
   *
   * @param key a key
   * @return 0 to 16383
   * @throws NullPointerException if key is null
   */
  public static int redisSlot(String key) {
    byte[] b = hashedPart(key).getBytes(StandardCharsets.UTF_8);
    int crc = 0;
    for (byte x : b) {
      crc ^= (x & 0xff) << 8;
      for (int i = 0; i < 8; i++) {
        crc = (crc & 0x8000) != 0 ? (crc << 1) ^ 0x1021 : crc << 1;
      }
    }
    return (crc & 0xffff) % 16384;
  }

  /**
   * Whether {@code key} is a valid memcached key: 1 to 250 bytes of UTF-8, no byte 0x00-0x20 or 0x7F, no lone
   * surrogate.
   *
   * @param key a key
   * @return whether memcached accepts it
   * @throws NullPointerException if key is null
   */
  public static boolean isValidMemcachedKey(String key) {
    Checks.requireNonNull(key, "key");
    if (key.isEmpty()) {
      return false;
    }
    for (int i = 0; i < key.length(); i++) {
      char c = key.charAt(i);
      if (c <= 0x20 || c == 0x7f) {
        return false;
      }
      if (Character.isHighSurrogate(c) && (i + 1 == key.length() || !Character.isLowSurrogate(key.charAt(i + 1)))
          || Character.isLowSurrogate(c) && (i == 0 || !Character.isHighSurrogate(key.charAt(i - 1)))) {
        return false;
      }
    }
    return key.getBytes(StandardCharsets.UTF_8).length <= MEMCACHED_MAX_KEY_BYTES;
  }

  private static String join(List<Character> chars) {
    StringBuilder sb = new StringBuilder(chars.size());
    chars.forEach(sb::append);
    return sb.toString();
  }
}
