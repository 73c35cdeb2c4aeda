package dev.cachecompat.namespace;

import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.ByteBuffer;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

/**
 * Values as the Python clients put them on the wire, for both servers.
 *
 * <p>memcached (pymemcache's {@code python_memcache_serializer}, python-memcached, pylibmc 1.6+): flags 0 raw
 * bytes, 1 pickle, 2 int, 4 long, 8 zlib (combined with the others), 16 UTF-8 text. Redis (Django's
 * RedisSerializer): exact integers as decimal digits, anything else a pickle. JSON namespaces: canonical JSON
 * bytes, flags 0 (8 when compressed).
 */
final class Payloads {
  static final int FLAG_BYTES = MemcachedFlags.BYTES;
  static final int FLAG_PICKLE = MemcachedFlags.PICKLE;
  static final int FLAG_INTEGER = MemcachedFlags.INTEGER;
  static final int FLAG_LONG = MemcachedFlags.LONG;
  static final int FLAG_COMPRESSED = MemcachedFlags.COMPRESSED;
  static final int FLAG_TEXT = MemcachedFlags.TEXT;
  private static final int KNOWN = FLAG_PICKLE | FLAG_INTEGER | FLAG_LONG | FLAG_COMPRESSED | FLAG_TEXT;
  private static final BigInteger LONG_MIN = BigInteger.valueOf(Long.MIN_VALUE);
  private static final BigInteger LONG_MAX = BigInteger.valueOf(Long.MAX_VALUE);

  private final ValueOptions options;
  private final ObjectFormat pickle;
  private final ObjectFormat json;

  Payloads(ValueOptions options, ObjectFormat pickle, ObjectFormat json) {
    this.options = options;
    this.pickle = pickle;
    this.json = json;
  }

  static Payloads create(ValueOptions options) {
    return new Payloads(options, new PickleFormat(options), new JsonFormat(options));
  }

  ValueOptions options() {
    return options;
  }

  private ObjectFormat format(Namespace ns) {
    return ns.format() == ValueFormat.JSON ? json : pickle;
  }

  // ---------------------------------------------------------------- memcached

  /** The memcached payload of a value; a {@code byte[]} value is copied, so the result owns its bytes. */
  MemcachedValue encodeMemcached(Namespace ns, Object value) {
    return encodeMemcached(ns, value, true);
  }

  /**
   * The memcached payload of a value. With {@code copyBytes} false a {@code byte[]} value (stored as it is) is
   * shared, not copied, as the bare client's transcoder does: only for a payload handed at once to a blocking
   * Xmemcached call (which encodes it into its write buffer in the caller's thread and waits for the reply).
   */
  MemcachedValue encodeMemcached(Namespace ns, Object value, boolean copyBytes) {
    int flags;
    byte[] data;
    if (ns.format() == ValueFormat.JSON) {
      flags = FLAG_BYTES;
      data = json.encode(ns, value);
    } else if (value instanceof byte[]) {
      flags = FLAG_BYTES;
      data = copyBytes ? ((byte[]) value).clone() : (byte[]) value;
    } else if (value instanceof String) {
      flags = FLAG_TEXT;
      data = utf8((String) value, ns);
    } else if (isExactInteger(value)) {
      BigInteger v = toBigInteger(value);
      // Python 2 writers flag a long (beyond a C long) with 4; every reader accepts 2 for any size.
      boolean py2Long = ns.readers().isPython2() && (v.compareTo(LONG_MIN) < 0 || v.compareTo(LONG_MAX) > 0);
      flags = py2Long ? FLAG_LONG : FLAG_INTEGER;
      data = v.toString().getBytes(StandardCharsets.US_ASCII);
    } else {
      flags = FLAG_PICKLE;
      data = pickle.encode(ns, value);
    }
    int threshold = options.compressAbove();
    if (threshold >= 0 && data.length > threshold) {
      byte[] compressed = deflate(data);
      if (compressed.length < data.length) {
        return new MemcachedValue(flags | FLAG_COMPRESSED, compressed);
      }
    }
    return new MemcachedValue(flags, data);
  }

  /** Decodes a memcached value read from {@code source}; throws NamespaceException with a payload code. */
  Object decodeMemcached(Namespace source, int flags, byte[] data) {
    if ((flags & ~KNOWN) != 0) {
      throw new NamespaceException("unknown-flags", String.format(
          "memcached flags 0x%x have bits no Python client sets (known: 1 pickle, 2 int, 4 long, 8 zlib, 16 text)",
          flags));
    }
    if ((flags & FLAG_COMPRESSED) != 0) {
      data = inflate(data, options.limits().maxPayloadBytes());
      flags &= ~FLAG_COMPRESSED;
    }
    if (source.format() == ValueFormat.JSON) {
      if (flags != FLAG_BYTES) {
        throw new NamespaceException("unexpected-flags", "memcached flags " + flags
            + " in JSON namespace " + source.name() + " (JSON values are stored with flags 0)");
      }
      return decodeObject(source, data, ValueFormat.JSON);
    }
    if (flags == FLAG_BYTES) {
      return data;
    }
    // the order of pymemcache's python_memcache_deserializer: text, int, long, pickle
    if ((flags & FLAG_TEXT) != 0) {
      return text(data);
    }
    if ((flags & (FLAG_INTEGER | FLAG_LONG)) != 0) {
      Object n = parseInteger(data);
      if (n == null) {
        throw new NamespaceException("bad-integer", "memcached flags " + flags
            + " mark an integer but the value is not decimal digits: " + preview(data));
      }
      return n;
    }
    return decodeObject(source, data, ValueFormat.PICKLE);
  }

  // ---------------------------------------------------------------- redis

  byte[] encodeRedis(Namespace ns, Object value) {
    if (ns.format() == ValueFormat.JSON) {
      return json.encode(ns, value);
    }
    if (isExactInteger(value)) {
      return toBigInteger(value).toString().getBytes(StandardCharsets.US_ASCII);
    }
    return pickle.encode(ns, value);
  }

  Object decodeRedis(Namespace source, byte[] data) {
    if (source.format() == ValueFormat.JSON) {
      return decodeObject(source, data, ValueFormat.JSON);
    }
    Object n = parseInteger(data);
    return n != null ? n : decodeObject(source, data, ValueFormat.PICKLE);
  }

  private Object decodeObject(Namespace source, byte[] data, ValueFormat format) {
    if (data.length > options.limits().maxPayloadBytes()) {
      throw new NamespaceException("over-limit", "payload of " + data.length + " bytes is over the limit of "
          + options.limits().maxPayloadBytes());
    }
    return (format == ValueFormat.JSON ? json : pickle).decode(source, data);
  }

  // ---------------------------------------------------------------- scalars

  /** Python's {@code type(v) is int}: Java's integral boxes and BigInteger, never Boolean. */
  static boolean isExactInteger(Object value) {
    return value instanceof Long || value instanceof Integer || value instanceof Short || value instanceof Byte
        || value instanceof BigInteger;
  }

  static BigInteger toBigInteger(Object value) {
    return value instanceof BigInteger ? (BigInteger) value : BigInteger.valueOf(((Number) value).longValue());
  }

  /** {@code "%d"} output parsed back: an optional '-' and 1 to maxIntDigits digits; else null. */
  Object parseInteger(byte[] data) {
    int start = data.length > 0 && data[0] == '-' ? 1 : 0;
    int digits = data.length - start;
    if (digits < 1 || digits > options.limits().maxIntDigits()) {
      return null;
    }
    for (int i = start; i < data.length; i++) {
      if (data[i] < '0' || data[i] > '9') {
        return null;
      }
    }
    String s = new String(data, StandardCharsets.US_ASCII);
    if (digits <= 18) {
      return Long.parseLong(s);
    }
    BigInteger b = new BigInteger(s);
    return b.compareTo(LONG_MIN) >= 0 && b.compareTo(LONG_MAX) <= 0 ? (Object) b.longValue() : b;
  }

  static String text(byte[] data) {
    try {
      return StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(data)).toString();
    } catch (CharacterCodingException e) {
      throw new NamespaceException("bad-text", "memcached flags 16 mark UTF-8 text but the value is not valid"
          + " UTF-8: " + preview(data), e);
    }
  }

  private static byte[] utf8(String s, Namespace ns) {
    for (int i = 0; i < s.length(); i++) {
      if (Character.isSurrogate(s.charAt(i))) {
        return strictUtf8(s, ns);
      }
    }
    return s.getBytes(StandardCharsets.UTF_8); // no surrogate: nothing the JDK could replace
  }

  private static byte[] strictUtf8(String s, Namespace ns) {
    try {
      ByteBuffer b = StandardCharsets.UTF_8.newEncoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .encode(java.nio.CharBuffer.wrap(s));
      byte[] out = new byte[b.remaining()];
      b.get(out);
      return out;
    } catch (CharacterCodingException e) {
      throw new NamespaceException("unencodable-value", "string with an unpaired surrogate cannot be written"
          + " as UTF-8 text to namespace " + ns.name(), e);
    }
  }

  static byte[] deflate(byte[] data) {
    Deflater d = new Deflater();
    try {
      d.setInput(data);
      d.finish();
      ByteArrayOutputStream out = new ByteArrayOutputStream(Math.max(64, data.length / 2));
      byte[] buf = new byte[8192];
      while (!d.finished()) {
        int n = d.deflate(buf);
        out.write(buf, 0, n);
      }
      return out.toByteArray();
    } finally {
      d.end();
    }
  }

  /** zlib.decompress with a bound on the output, checked while inflating (a zip bomb stops at the limit). */
  static byte[] inflate(byte[] data, long maxBytes) {
    Inflater inf = new Inflater();
    try {
      inf.setInput(data);
      ByteArrayOutputStream out = new ByteArrayOutputStream(Math.min(data.length * 4 + 64, 1 << 20));
      byte[] buf = new byte[8192];
      while (!inf.finished()) {
        int n = inf.inflate(buf);
        if (n == 0 && (inf.needsInput() || inf.needsDictionary())) {
          throw new NamespaceException("bad-compression", inf.getBytesRead(), "zlib stream of " + data.length
              + " bytes ends early after " + inf.getBytesRead() + " bytes", null);
        }
        if ((long) out.size() + n > maxBytes) {
          throw new NamespaceException("over-limit", inf.getBytesRead(), "zlib value inflates beyond the limit of "
              + maxBytes + " bytes", null);
        }
        out.write(buf, 0, n);
      }
      return out.toByteArray();
    } catch (DataFormatException e) {
      throw new NamespaceException("bad-compression", inf.getBytesRead(), "memcached flags 8 mark zlib data but"
          + " it does not inflate: " + e.getMessage(), e);
    } finally {
      inf.end();
    }
  }

  static String preview(byte[] data) {
    StringBuilder b = new StringBuilder("b'");
    for (int i = 0; i < Math.min(data.length, 32); i++) {
      int c = data[i] & 0xFF;
      if (c >= 32 && c < 127 && c != '\'' && c != '\\') {
        b.append((char) c);
      } else {
        b.append(String.format("\\x%02x", c));
      }
    }
    return b.append(data.length > 32 ? "'... (" + data.length + " bytes)" : "'").toString();
  }
}
