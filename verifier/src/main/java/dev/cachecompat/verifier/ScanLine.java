package dev.cachecompat.verifier;

import dev.cachecompat.core.Finding;
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
    byte[] buf = new byte[8192];
    int len;

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

    private void ensure(int n) {
      if (buf.length - len < n) {
        buf = java.util.Arrays.copyOf(buf, Math.max(buf.length * 2, len + n));
      }
    }

    byte[] toByteArray() {
      return java.util.Arrays.copyOf(buf, len);
    }

    /** Appends ASCII text that needs no escaping. */
    void ascii(String s) {
      int n = s.length();
      ensure(n);
      for (int i = 0; i < n; i++) {
        buf[len++] = (byte) s.charAt(i);
      }
    }

    void number(long v) {
      if (v >= 0 && v < 10) {
        write((int) ('0' + v));
      } else {
        ascii(Long.toString(v));
      }
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

  /**
   * Writes the line of {@code r} and a newline to {@code out} as UTF-8 (a lone surrogate as {@code ?}, as Java's
   * encoder writes it).
   */
  static void write(Bytes out, EntryClassifier.Result r) {
    out.ascii("{\"key\":");
    out.string(r.key());
    out.ascii(",\"namespace\":");
    if (r.namespace() == null) {
      out.ascii("null");
    } else {
      out.ascii("{\"prefix\":");
      out.string(r.namespace().prefix());
      out.ascii(",\"version\":");
      if (r.namespace().version() == null) {
        out.ascii("null");
      } else {
        out.number(r.namespace().version().intValue());
      }
      out.write('}');
    }
    out.ascii(",\"user_key\":");
    out.string(r.userKey());
    out.ascii(",\"flags\":");
    if (r.flags() == null) {
      out.ascii("null");
    } else {
      out.number(Integer.toUnsignedLong(r.flags()));
    }
    out.ascii(",\"format\":");
    out.string(r.format());
    out.ascii(r.ok() ? ",\"ok\":true,\"verdict\":" : ",\"ok\":false,\"verdict\":");
    out.string(r.verdict().label());
    out.ascii(",\"protocol\":");
    if (r.protocol() == null) {
      out.ascii("null");
    } else {
      out.number(r.protocol().intValue());
    }
    out.ascii(",\"min_python\":");
    if (r.minPython() == null) {
      out.ascii("null");
    } else { // PythonVersion.toString() without making the string
      out.write('"');
      out.number(r.minPython().major());
      out.write('.');
      out.number(r.minPython().minor());
      out.write('"');
    }
    out.ascii(",\"value\":");
    if (r.value() == null) {
      out.ascii("null");
    } else {
      out.write(r.value(), 0, r.value().length);
    }
    out.ascii(",\"ttl_s\":");
    if (r.ttlSeconds() == null) {
      out.ascii("null");
    } else {
      out.number(r.ttlSeconds().longValue());
    }
    out.ascii(",\"findings\":[");
    List<Finding> findings = r.findings();
    for (int i = 0; i < findings.size(); i++) {
      Finding f = findings.get(i);
      out.ascii(i == 0 ? "{\"code\":" : ",{\"code\":");
      out.string(f.code());
      out.ascii(",\"severity\":");
      out.string(f.severity().label());
      out.ascii(",\"offset\":");
      if (f.offset() >= 0) {
        out.number(f.offset());
      } else {
        out.ascii("null");
      }
      out.ascii(",\"message\":");
      out.string(f.message());
      out.write('}');
    }
    out.ascii("]}\n");
  }
}
