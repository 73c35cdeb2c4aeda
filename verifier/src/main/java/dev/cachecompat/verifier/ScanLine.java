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
  }

  /**
   * Writes the line of {@code r} and a newline to {@code out} as UTF-8 (a lone surrogate as {@code ?}, as Java's
   * encoder writes it), using {@code scratch} for the text around the value.
   */
  static void write(Bytes out, StringBuilder scratch, EntryClassifier.Result r) {
    scratch.setLength(0);
    head(scratch, r);
    if (r.value() == null) {
      scratch.append("null");
    } else {
      utf8(out, scratch);
      scratch.setLength(0);
      out.write(r.value(), 0, r.value().length);
    }
    tail(scratch, r);
    scratch.append('\n');
    utf8(out, scratch);
  }

  private static void utf8(Bytes out, StringBuilder text) {
    byte[] b = text.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
    out.write(b, 0, b.length);
  }

  /** Appends the line of {@code r}, without the newline. */
  static void append(StringBuilder b, EntryClassifier.Result r) {
    head(b, r);
    if (r.value() == null) {
      b.append("null");
    } else {
      b.append(new String(r.value(), java.nio.charset.StandardCharsets.UTF_8));
    }
    tail(b, r);
  }

  /** The line up to {@code "value":}. */
  private static void head(StringBuilder b, EntryClassifier.Result r) {
    b.append("{\"key\":");
    string(b, r.key());
    b.append(",\"namespace\":");
    if (r.namespace() == null) {
      b.append("null");
    } else {
      b.append("{\"prefix\":");
      string(b, r.namespace().prefix());
      b.append(",\"version\":");
      if (r.namespace().version() == null) {
        b.append("null");
      } else {
        b.append(r.namespace().version().intValue());
      }
      b.append('}');
    }
    b.append(",\"user_key\":");
    string(b, r.userKey());
    b.append(",\"flags\":");
    if (r.flags() == null) {
      b.append("null");
    } else {
      b.append(Integer.toUnsignedLong(r.flags()));
    }
    b.append(",\"format\":");
    string(b, r.format());
    b.append(",\"ok\":").append(r.ok());
    b.append(",\"verdict\":");
    string(b, r.verdict().label());
    b.append(",\"protocol\":");
    if (r.protocol() == null) {
      b.append("null");
    } else {
      b.append(r.protocol().intValue());
    }
    b.append(",\"min_python\":");
    string(b, r.minPython() == null ? null : r.minPython().toString());
    b.append(",\"value\":");
  }

  /** The line after the value. */
  private static void tail(StringBuilder b, EntryClassifier.Result r) {
    b.append(",\"ttl_s\":");
    if (r.ttlSeconds() == null) {
      b.append("null");
    } else {
      b.append(r.ttlSeconds().longValue());
    }
    b.append(",\"findings\":[");
    List<Finding> findings = r.findings();
    for (int i = 0; i < findings.size(); i++) {
      Finding f = findings.get(i);
      b.append(i == 0 ? "{\"code\":" : ",{\"code\":");
      string(b, f.code());
      b.append(",\"severity\":");
      string(b, f.severity().label());
      b.append(",\"offset\":");
      if (f.offset() >= 0) {
        b.append(f.offset());
      } else {
        b.append("null");
      }
      b.append(",\"message\":");
      string(b, f.message());
      b.append('}');
    }
    b.append("]}");
  }

  /** A JSON string as Jackson writes it by default, or {@code null}. */
  static void string(StringBuilder b, String s) {
    if (s == null) {
      b.append("null");
      return;
    }
    b.append('"');
    int start = 0;
    int n = s.length();
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      if (c >= 0x20 && c != '"' && c != '\\') {
        continue;
      }
      b.append(s, start, i);
      start = i + 1;
      switch (c) {
        case '"':
          b.append("\\\"");
          break;
        case '\\':
          b.append("\\\\");
          break;
        case '\b':
          b.append("\\b");
          break;
        case '\t':
          b.append("\\t");
          break;
        case '\n':
          b.append("\\n");
          break;
        case '\f':
          b.append("\\f");
          break;
        case '\r':
          b.append("\\r");
          break;
        default:
          b.append("\\u00").append(HEX[c >> 4]).append(HEX[c & 15]);
      }
    }
    b.append(s, start, n).append('"');
  }
}
