package dev.cachecompat.verifier;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

/**
 * One cache entry as a {@link ScanSource} found it, before any decoding.
 *
 * @param key the raw key bytes (keys are binary-safe), never null
 * @param value the value bytes; null for non-string Redis types, and for a value longer than the source's
 *     {@link SourceOptions#maxValueBytes()} (then {@code valueLength} says how long it is)
 * @param valueLength the value's length in bytes when known, else -1 (non-string Redis types)
 * @param flags the memcached client flags, an unsigned 32-bit number ({@link Integer#toUnsignedLong} reads it);
 *     null for every other source
 * @param ttlSeconds seconds until the entry expires (rounded up; 0 when already expired in a dump), null when it
 *     never expires or the source cannot tell
 * @param redisType the Redis type ({@code string}, {@code list}, {@code hash}, {@code set}, {@code zset},
 *     {@code stream}, {@code module}); null for memcached and files
 */
record RawEntry(byte[] key, byte[] value, long valueLength, Integer flags, Long ttlSeconds, String redisType) {
  RawEntry {
    Objects.requireNonNull(key, "key");
    if (value != null && valueLength != value.length) {
      throw new IllegalArgumentException("valueLength " + valueLength + " but value has " + value.length + " bytes");
    }
  }

  /** An entry whose value was read. */
  static RawEntry of(byte[] key, byte[] value, Integer flags, Long ttlSeconds, String redisType) {
    return new RawEntry(key, value, value == null ? -1 : value.length, flags, ttlSeconds, redisType);
  }

  /** Whether the value exists but was not read because it is longer than the source's limit. */
  boolean valueSkipped() {
    return value == null && valueLength >= 0;
  }

  /** The key for people: its UTF-8 text when it is valid UTF-8, else {@link #escape(byte[])}. */
  String displayKey() {
    return display(key);
  }

  static String display(byte[] bytes) {
    boolean ascii = true;
    for (byte b : bytes) {
      if (b < 0) {
        ascii = false;
        break;
      }
    }
    if (ascii) {
      // most keys: no decoder to make; as ISO-8859-1 (the same text for ASCII) the bytes are not checked again
      return new String(bytes, StandardCharsets.ISO_8859_1);
    }
    try {
      return StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes)).toString();
    } catch (CharacterCodingException e) {
      return escape(bytes);
    }
  }

  /** Printable ASCII as is, backslash as {@code \\}, every other byte as {@code \xHH} (like Python's bytes repr). */
  static String escape(byte[] bytes) {
    StringBuilder b = new StringBuilder(bytes.length + 16);
    for (byte x : bytes) {
      int c = x & 0xff;
      if (c == '\\') {
        b.append("\\\\");
      } else if (c >= 0x20 && c < 0x7f) {
        b.append((char) c);
      } else {
        b.append("\\x").append(Character.forDigit(c >> 4, 16)).append(Character.forDigit(c & 15, 16));
      }
    }
    return b.toString();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof RawEntry e && Arrays.equals(key, e.key) && Arrays.equals(value, e.value)
        && valueLength == e.valueLength && Objects.equals(flags, e.flags) && Objects.equals(ttlSeconds, e.ttlSeconds)
        && Objects.equals(redisType, e.redisType);
  }

  @Override
  public int hashCode() {
    return Objects.hash(Arrays.hashCode(key), Arrays.hashCode(value), valueLength, flags, ttlSeconds, redisType);
  }

  @Override
  public String toString() {
    return "RawEntry[key=" + displayKey() + ", value=" + (value == null ? "null" : escape(value))
        + ", valueLength=" + valueLength + ", flags=" + flags + ", ttlSeconds=" + ttlSeconds
        + ", redisType=" + redisType + "]";
  }
}
