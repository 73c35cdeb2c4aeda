package dev.cachecompat.verifier;

import dev.cachecompat.core.Finding;
import dev.cachecompat.core.PythonVersion;
import dev.cachecompat.core.Verdict;
import java.util.List;

/**
 * Writes the JSON line of one scanned key straight into a byte buffer: the same UTF-8 bytes as printing the text Jackson's default
 * {@code ObjectMapper} writes for the line's object tree (same field order, same string escapes: quote,
 * backslash, {@code \b \t \n \f \r}, other control characters as a {@code u00XX} escape, everything else as is),
 * with the value in Python's compact {@code json.dumps(sort_keys=True)} form. Stateless.
 */
final class ScanLine {
  private static final char[] HEX = "0123456789ABCDEF".toCharArray();

  private ScanLine() {}

  /** A growable byte buffer; not thread-safe. */
  static final class Bytes extends java.io.OutputStream {
    byte[] buf;
    int len;

    Bytes() {
      this(8192);
    }

    /** A buffer that writes over {@code reuse} from its start (and grows out of it as needed). */
    Bytes(byte[] reuse) {
      buf = reuse;
    }

    /** A buffer of {@code capacity} bytes to begin with (it grows as needed). */
    Bytes(int capacity) {
      buf = new byte[Math.max(16, capacity)];
    }

    @Override
    public void write(int b) {
      ensure(1);
      buf[len++] = (byte) b;
    }

    @Override
    public void write(byte[] b, int off, int n) {
      ensure(n);
      System.arraycopy(b, off, buf, len, n);
      len += n;
    }

    /** Small enough for C1 to inline where it is used (growing is out of line). */
    private void ensure(int n) {
      if (buf.length - len < n) {
        grow(n);
      }
    }

    private void grow(int n) {
      buf = java.util.Arrays.copyOf(buf, Math.max(buf.length * 2, len + n));
    }

    byte[] toByteArray() {
      return java.util.Arrays.copyOf(buf, len);
    }

    /**
     * Appends {@code prefix}, then {@code n} bytes of {@code b} from {@code off} between quotes: bytes that need no
     * escape.
     */
    void quoted(byte[] prefix, byte[] b, int off, int n) {
      int k = prefix.length;
      ensure(k + n + 2);
      byte[] d = buf;
      int p = len;
      System.arraycopy(prefix, 0, d, p, k);
      p += k;
      d[p++] = '"';
      System.arraycopy(b, off, d, p, n);
      p += n;
      d[p++] = '"';
      len = p;
    }

    /** Appends {@code n} bytes of {@code b} from {@code off} between quotes: bytes that need no escape. */
    void quoted(byte[] b, int off, int n) {
      ensure(n + 2);
      byte[] d = buf;
      int p = len;
      d[p++] = '"';
      System.arraycopy(b, off, d, p, n);
      p += n;
      d[p++] = '"';
      len = p;
    }

    /** Appends ASCII text that needs no escaping. */
    void ascii(String s) {
      int n = s.length();
      ensure(n);
      for (int i = 0; i < n; i++) {
        buf[len++] = (byte) s.charAt(i);
      }
    }

    @Override
    public void write(byte[] b) {
      write(b, 0, b.length);
    }

    /** Appends {@code v} in decimal, as {@link Long#toString(long)} writes it, without making the string. */
    void number(long v) {
      if (v >= 0 && v < 10) {
        ensure(1);
        buf[len++] = (byte) ('0' + v);
        return;
      }
      if (v == Long.MIN_VALUE) {
        ascii(Long.toString(v));
        return;
      }
      ensure(20);
      if (v < 0) {
        buf[len++] = '-';
        v = -v;
      }
      int digits = 1;
      for (long t = v; t >= 10; t /= 10) {
        digits++;
      }
      int p = len + digits;
      len = p;
      do {
        buf[--p] = (byte) ('0' + v % 10);
        v /= 10;
      } while (v != 0);
    }

    /**
     * Appends a JSON string as Jackson writes it by default (quote, backslash, {@code \b \t \n \f \r}, other
     * control characters as a {@code u00XX} escape, everything else as is), or {@code null}, as UTF-8 the way
     * {@code String.getBytes(UTF_8)} encodes it: a lone surrogate as {@code ?}.
     */
    void string(String s) {
      if (s == null) {
        ascii("null");
        return;
      }
      int n = s.length();
      ensure(n * 6 + 2);
      byte[] b = buf;
      int p = len;
      b[p++] = '"';
      for (int i = 0; i < n; i++) {
        char c = s.charAt(i);
        if (c < 0x80) {
          if (c >= 0x20 && c != '"' && c != '\\') {
            b[p++] = (byte) c;
            continue;
          }
          b[p++] = '\\';
          switch (c) {
            case '"' -> b[p++] = '"';
            case '\\' -> b[p++] = '\\';
            case '\b' -> b[p++] = 'b';
            case '\t' -> b[p++] = 't';
            case '\n' -> b[p++] = 'n';
            case '\f' -> b[p++] = 'f';
            case '\r' -> b[p++] = 'r';
            default -> {
              b[p++] = 'u';
              b[p++] = '0';
              b[p++] = '0';
              b[p++] = (byte) HEX[c >> 4];
              b[p++] = (byte) HEX[c & 15];
            }
          }
        } else if (c < 0x800) {
          b[p++] = (byte) (0xc0 | (c >> 6));
          b[p++] = (byte) (0x80 | (c & 0x3f));
        } else if (!Character.isSurrogate(c)) {
          b[p++] = (byte) (0xe0 | (c >> 12));
          b[p++] = (byte) (0x80 | ((c >> 6) & 0x3f));
          b[p++] = (byte) (0x80 | (c & 0x3f));
        } else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
          int cp = Character.toCodePoint(c, s.charAt(++i));
          b[p++] = (byte) (0xf0 | (cp >> 18));
          b[p++] = (byte) (0x80 | ((cp >> 12) & 0x3f));
          b[p++] = (byte) (0x80 | ((cp >> 6) & 0x3f));
          b[p++] = (byte) (0x80 | (cp & 0x3f));
        } else {
          b[p++] = '?';
        }
      }
      b[p++] = '"';
      len = p;
    }
  }

  private static byte[] ascii(String s) {
    return s.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
  }

  // The line's constant parts, encoded once.
  private static final byte[] KEY = ascii("{\"key\":");
  private static final byte[] NAMESPACE_NULL = ascii(",\"namespace\":null,\"user_key\":");
  private static final byte[] FLAGS = ascii(",\"flags\":");
  private static final byte[] NULL = ascii("null");
  private static final byte[] FORMAT = ascii(",\"format\":");
  private static final byte[] OK_TRUE = ascii(",\"ok\":true,\"verdict\":");
  private static final byte[] OK_FALSE = ascii(",\"ok\":false,\"verdict\":");
  private static final byte[] PROTOCOL = ascii(",\"protocol\":");
  private static final byte[] MIN_PYTHON = ascii(",\"min_python\":");
  private static final byte[] VALUE = ascii(",\"value\":");
  private static final byte[] TTL = ascii(",\"ttl_s\":");
  private static final byte[] NO_FINDINGS = ascii(",\"findings\":[]}\n");
  private static final byte[] FINDINGS = ascii(",\"findings\":[");
  private static final byte[] FIRST_CODE = ascii("{\"code\":");
  private static final byte[] NEXT_CODE = ascii(",{\"code\":");
  private static final byte[] SEVERITY = ascii(",\"severity\":");
  private static final byte[] OFFSET = ascii(",\"offset\":");
  private static final byte[] MESSAGE = ascii(",\"message\":");
  private static final byte[] END = ascii("]}\n");
  private static final byte[] NO_PROTOCOL_VALUE = ascii(",\"protocol\":null,\"min_python\":null,\"value\":");
  private static final byte[] NO_TTL_NO_FINDINGS = ascii(",\"ttl_s\":null,\"findings\":[]}\n");
  /** Protocols and Python minor versions of {@link #PROTOCOL_VALUE}. */
  private static final int PROTOCOLS = 6;
  private static final int MINORS = 16;
  /**
   * {@code ,"protocol":P,"min_python":"M.m","value":} by protocol (0-5), major (2 or 3) and minor (0-15): the
   * pickles' common parts between the verdict and the value.
   */
  private static final byte[][][][] PROTOCOL_VALUE = new byte[PROTOCOLS][2][MINORS][];
  /** {@code "format","ok":...,"verdict":"..."} for the formats the classifier writes, by format, ok, verdict. */
  private static final String[] FORMATS = {"pickle", "json", "text", "int", "bytes", "other"};
  private static final byte[][][][] FORMAT_OK_VERDICT = new byte[FORMATS.length][2][Verdict.values().length][];
  /** {@code ,"flags":null,"format":} and then {@link #FORMAT_OK_VERDICT}'s bytes: a line without flags. */
  private static final byte[][][][] NO_FLAGS_FORMAT_OK_VERDICT =
      new byte[FORMATS.length][2][Verdict.values().length][];

  static {
    for (int f = 0; f < FORMATS.length; f++) {
      for (int ok = 0; ok < 2; ok++) {
        for (Verdict v : Verdict.values()) {
          Bytes b = new Bytes(64);
          b.string(FORMATS[f]);
          b.write(ok == 1 ? OK_TRUE : OK_FALSE);
          b.string(v.label());
          FORMAT_OK_VERDICT[f][ok][v.ordinal()] = b.toByteArray();
          Bytes n = new Bytes(64);
          n.write(FLAGS);
          n.write(NULL);
          n.write(FORMAT);
          n.write(FORMAT_OK_VERDICT[f][ok][v.ordinal()]);
          NO_FLAGS_FORMAT_OK_VERDICT[f][ok][v.ordinal()] = n.toByteArray();
        }
      }
    }
    for (int p = 0; p < PROTOCOLS; p++) {
      for (int major = 2; major <= 3; major++) {
        for (int minor = 0; minor < MINORS; minor++) {
          Bytes b = new Bytes(64);
          b.write(PROTOCOL);
          b.number(p);
          b.write(MIN_PYTHON);
          b.write('"');
          b.number(major);
          b.write('.');
          b.number(minor);
          b.write('"');
          b.write(VALUE);
          PROTOCOL_VALUE[p][major - 2][minor] = b.toByteArray();
        }
      }
    }
  }

  /**
   * Whether {@code raw} is its own JSON string body: bytes 0x20 to 0x7f but quote and backslash, which
   * {@link RawEntry#display} keeps as they are (ASCII) and {@link Bytes#string} writes as they are.
   */
  static boolean isPlain(byte[] raw) {
    for (byte b : raw) {
      if (b < 0x20 || b == '"' || b == '\\') { // negative: a byte over 0x7f
        return false;
      }
    }
    return true;
  }

  private static int formatIndex(String format) {
    switch (format) {
      case "pickle":
        return 0;
      case "json":
        return 1;
      case "text":
        return 2;
      case "int":
        return 3;
      case "bytes":
        return 4;
      case "other":
        return 5;
      default:
        return -1;
    }
  }

  /**
   * Writes the line of {@code r} and a newline to {@code out} as UTF-8 (a lone surrogate as {@code ?}, as Java's
   * encoder writes it).
   */
  static void write(Bytes out, EntryClassifier.Result r) {
    write(out, r, null);
  }

  /**
   * Writes the line of {@code r} as {@link #write(Bytes, EntryClassifier.Result)} does, taking the key and user
   * key straight from {@code rawKey} when those bytes need no escape (printable ASCII but quote and backslash: the
   * common key), without reading the strings.
   *
   * @param rawKey the raw key bytes whose {@link RawEntry#display display} is {@code r.key()}, and of which
   *     {@code r.userKey()} (when not null) is a suffix, as {@link NamespaceResolver#resolve} makes it; or null
   */
  static void write(Bytes out, EntryClassifier.Result r, byte[] rawKey) {
    // the common line in a few copies of precomputed parts: key, namespace and user key, flags to verdict,
    // protocol to the value's key, the value, ttl to the end
    boolean plain = rawKey != null && isPlain(rawKey) && r.key().length() == rawKey.length;
    if (plain) {
      out.quoted(KEY, rawKey, 0, rawKey.length);
    } else {
      out.write(KEY);
      out.string(r.key());
    }
    byte[] namespace = r.namespace() == null ? NAMESPACE_NULL : r.namespace().jsonThroughUserKey();
    String userKey = r.userKey();
    if (plain && userKey != null && userKey.length() <= rawKey.length) {
      out.quoted(namespace, rawKey, rawKey.length - userKey.length(), userKey.length());
    } else {
      out.write(namespace);
      out.string(userKey);
    }
    int format = r.format() == null ? -1 : formatIndex(r.format());
    if (format >= 0 && r.flags() == null) {
      out.write(NO_FLAGS_FORMAT_OK_VERDICT[format][r.ok() ? 1 : 0][r.verdict().ordinal()]);
    } else {
      out.write(FLAGS);
      if (r.flags() == null) {
        out.write(NULL);
      } else {
        out.number(Integer.toUnsignedLong(r.flags()));
      }
      out.write(FORMAT);
      if (format >= 0) {
        out.write(FORMAT_OK_VERDICT[format][r.ok() ? 1 : 0][r.verdict().ordinal()]);
      } else {
        out.string(r.format());
        out.write(r.ok() ? OK_TRUE : OK_FALSE);
        out.string(r.verdict().label());
      }
    }
    Integer protocol = r.protocol();
    PythonVersion minPython = r.minPython();
    if (protocol == null && minPython == null) {
      out.write(NO_PROTOCOL_VALUE);
    } else if (protocol != null && minPython != null && protocol >= 0 && protocol < PROTOCOLS
        && minPython.major() >= 2 && minPython.major() <= 3 && minPython.minor() >= 0 && minPython.minor() < MINORS) {
      out.write(PROTOCOL_VALUE[protocol][minPython.major() - 2][minPython.minor()]);
    } else {
      out.write(PROTOCOL);
      if (protocol == null) {
        out.write(NULL);
      } else {
        out.number(protocol.intValue());
      }
      out.write(MIN_PYTHON);
      if (minPython == null) {
        out.write(NULL);
      } else { // PythonVersion.toString() without making the string
        out.write('"');
        out.number(minPython.major());
        out.write('.');
        out.number(minPython.minor());
        out.write('"');
      }
      out.write(VALUE);
    }
    if (r.value() == null) {
      out.write(NULL);
    } else {
      out.write(r.value());
    }
    List<Finding> findings = r.findings();
    if (r.ttlSeconds() == null && findings.isEmpty()) {
      out.write(NO_TTL_NO_FINDINGS);
      return;
    }
    out.write(TTL);
    if (r.ttlSeconds() == null) {
      out.write(NULL);
    } else {
      out.number(r.ttlSeconds().longValue());
    }
    if (findings.isEmpty()) {
      out.write(NO_FINDINGS);
      return;
    }
    out.write(FINDINGS);
    for (int i = 0; i < findings.size(); i++) {
      Finding f = findings.get(i);
      out.write(i == 0 ? FIRST_CODE : NEXT_CODE);
      out.string(f.code());
      out.write(SEVERITY);
      out.string(f.severity().label());
      out.write(OFFSET);
      if (f.offset() >= 0) {
        out.number(f.offset());
      } else {
        out.write(NULL);
      }
      out.write(MESSAGE);
      out.string(f.message());
      out.write('}');
    }
    out.write(END);
  }
}
