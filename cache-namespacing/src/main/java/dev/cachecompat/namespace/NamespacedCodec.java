package dev.cachecompat.namespace;

import dev.cachecompat.core.Checks;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.ToByteBufEncoder;
import io.netty.buffer.ByteBuf;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * A Lettuce codec for one namespace: keys are logical keys, made raw by the namespace's {@link KeyScheme} on the way
 * out (the built-in schemes by concatenating the prefix bytes) and made logical again on the way in;
 * values are written and read as the Python side does (Django's RedisSerializer: exact integers as decimal
 * digits, anything else a pickle at the readers' protocol; or canonical JSON).
 *
 * <p>Both key encoding paths give the same bytes: {@link #encodeKey(String)} (the {@code ByteBuffer} that Lettuce
 * also hashes for cluster slot routing) and {@link #encodeKey(String, ByteBuf)} (the {@link ToByteBufEncoder}
 * path). {@link #estimateSize} is exact for keys (the UTF-8 length of the raw key) but only an estimate for
 * values, so {@link #isEstimateExact()} is false and Lettuce writes through a growable buffer: a value's exact
 * size is only known after pickling it. The namespace prefix may not contain braces, so a key's
 * {@code {hash tag}} keeps routing every namespace's copy to the same slot.
 *
 * <p>{@link #decodeKey} returns null for a raw key outside the namespace (use {@link #scanArgs(String)} so SCAN
 * only returns the namespace's keys). {@link #decodeValue} never throws for a bad payload unless the options are
 * strict: it returns null (a miss) and tells the listener. Immutable and thread-safe.
 */
public final class NamespacedCodec implements RedisCodec<String, Object>, ToByteBufEncoder<String, Object> {
  private final Namespace namespace;
  private final Payloads payloads;
  private final byte[] prefix;
  /** Whether raw keys are the prefix followed by the key (the built-in schemes), so bytes can be concatenated. */
  private final boolean concatenates;

  private NamespacedCodec(Namespace namespace, Payloads payloads) {
    this.namespace = namespace;
    this.payloads = payloads;
    this.prefix = RedisKeys.utf8(namespace.scheme().rawPrefix());
    this.concatenates = namespace.scheme() instanceof PrefixScheme;
  }

  /**
   * A codec for one namespace.
   *
   * @param namespace the namespace (its raw prefix must contain no brace)
   * @param options decoding limits, allowlist, strictness and listener
   * @return the codec
   * @throws IllegalArgumentException if the namespace's raw prefix contains a brace
   * @throws NullPointerException if an argument is null
   */
  public static NamespacedCodec of(Namespace namespace, ValueOptions options) {
    Checks.requireNonNull(namespace, "namespace");
    Checks.requireNonNull(options, "options");
    RedisKeys.checkPrefix(namespace);
    return new NamespacedCodec(namespace, Payloads.create(options));
  }

  /**
   * The namespace.
   *
   * @return the namespace
   */
  public Namespace namespace() {
    return namespace;
  }

  /**
   * SCAN arguments whose MATCH pattern is {@code logicalPattern} inside this namespace: the raw prefix, with its
   * glob characters escaped, followed by the pattern.
   *
   * @param logicalPattern a Redis glob over logical keys, e.g. {@code user:*}
   * @return the SCAN arguments
   */
  public ScanArgs scanArgs(String logicalPattern) {
    return ScanArgs.Builder.matches(matchPattern(logicalPattern));
  }

  /**
   * The pattern to give Lettuce's {@code keys(String)} for a glob over logical keys: that method sends its
   * pattern as it is, not through the codec, so the namespace prefix (glob-escaped) is added here. The keys it
   * returns go through {@link #decodeKey} and come back stripped. ({@code keysLegacy(K)} encodes its pattern as a
   * key: prefixed but not escaped, right only for a prefix without glob characters.)
   *
   * @param logicalPattern a Redis glob over logical keys, e.g. {@code user:*}
   * @return the escaped prefix followed by the pattern
   * @throws NamespaceException if the pattern has an unpaired surrogate
   */
  public String keysPattern(String logicalPattern) {
    Checks.requireNonNull(logicalPattern, "logicalPattern");
    String p = RedisKeys.escapeGlob(namespace.scheme().rawPrefix()) + logicalPattern;
    RedisKeys.utf8(p); // refuses an unpaired surrogate, as every key path does
    return p;
  }

  /**
   * The raw MATCH/KEYS pattern for a glob over logical keys.
   *
   * @param logicalPattern a Redis glob over logical keys
   * @return the UTF-8 bytes of the escaped prefix followed by the pattern
   */
  public byte[] matchPattern(String logicalPattern) {
    Checks.requireNonNull(logicalPattern, "logicalPattern");
    return RedisKeys.utf8(RedisKeys.escapeGlob(namespace.scheme().rawPrefix()) + logicalPattern);
  }

  /**
   * The logical key of a raw key read from the server.
   *
   * @param bytes the raw key
   * @return the logical key, or null if the raw key is not in this namespace
   */
  @Override
  public String decodeKey(ByteBuffer bytes) {
    byte[] raw = new byte[bytes.remaining()];
    bytes.get(raw);
    return RedisKeys.logical(namespace, raw);
  }

  /**
   * Decodes a value read from the server.
   *
   * @param bytes the payload
   * @return the value, or null for a rejected payload in lenient mode
   * @throws NamespaceException for a rejected payload in strict mode
   */
  @Override
  public Object decodeValue(ByteBuffer bytes) {
    byte[] data = new byte[bytes.remaining()];
    bytes.get(data);
    return Decoding.decode(payloads.options(), namespace, namespace, "",
        () -> payloads.decodeRedis(namespace, data));
  }

  /**
   * The raw key (prefix and key, UTF-8) as a buffer; the bytes Lettuce hashes to route a cluster command.
   *
   * @param key the logical key
   * @return the raw key
   * @throws NamespaceException if the key has an unpaired surrogate
   */
  @Override
  public ByteBuffer encodeKey(String key) {
    return ByteBuffer.wrap(rawKey(key));
  }

  private byte[] rawKey(String key) {
    Checks.requireNonNull(key, "key");
    if (!concatenates) {
      return RedisKeys.utf8(namespace.rawKey(key)); // a custom scheme decides its raw keys
    }
    byte[] k = RedisKeys.utf8(key);
    byte[] out = new byte[prefix.length + k.length];
    System.arraycopy(prefix, 0, out, 0, prefix.length);
    System.arraycopy(k, 0, out, prefix.length, k.length);
    return out;
  }

  /**
   * Encodes a value as the namespace's readers load it.
   *
   * @param value the value
   * @return the payload
   * @throws NamespaceException if the format cannot carry the value
   */
  @Override
  public ByteBuffer encodeValue(Object value) {
    return ByteBuffer.wrap(payloads.encodeRedis(namespace, Checks.requireNonNull(value, "value")));
  }

  /**
   * Writes the raw key, the same bytes as {@link #encodeKey(String)}.
   *
   * @param key the logical key
   * @param target the buffer to write to
   */
  @Override
  public void encodeKey(String key, ByteBuf target) {
    if (!concatenates) {
      target.writeBytes(rawKey(key));
      return;
    }
    target.writeBytes(prefix);
    target.writeBytes(RedisKeys.utf8(Checks.requireNonNull(key, "key")));
  }

  /**
   * Writes the value's payload.
   *
   * @param value the value
   * @param target the buffer to write to
   */
  @Override
  public void encodeValue(Object value, ByteBuf target) {
    target.writeBytes(payloads.encodeRedis(namespace, Checks.requireNonNull(value, "value")));
  }

  /**
   * For a String, the exact UTF-8 length of the raw key it makes; for other values a rough estimate.
   *
   * @param keyOrValue a key or a value
   * @return the size in bytes
   */
  @Override
  public int estimateSize(Object keyOrValue) {
    if (keyOrValue instanceof String) {
      String key = (String) keyOrValue;
      return concatenates ? prefix.length + RedisKeys.utf8Length(key) : RedisKeys.utf8Length(namespace.rawKey(key));
    }
    if (keyOrValue instanceof byte[]) {
      return ((byte[]) keyOrValue).length + 16;
    }
    return 64;
  }

  /**
   * False: values are only sized exactly once pickled, so Lettuce must not trust the estimate.
   *
   * @return false
   */
  @Override
  public boolean isEstimateExact() {
    return false;
  }

  @Override
  public String toString() {
    return "NamespacedCodec[" + namespace.name() + ", prefix '" + new String(prefix, StandardCharsets.UTF_8) + "']";
  }
}
