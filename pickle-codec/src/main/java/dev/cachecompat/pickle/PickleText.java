package dev.cachecompat.pickle;

import dev.cachecompat.core.Verdict;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Text decoding exactly as CPython's unpickler does it, where Pyrolite does not: strict UTF-8 with
 * {@code surrogatepass} for BINUNICODE, {@code raw-unicode-escape} for UNICODE, {@code escape_decode} for the
 * quoted STRING argument, and the Python 2 str policies.
 */
final class PickleText {
  private PickleText() {}

  /**
   * Strict UTF-8: no overlong forms, nothing above U+10FFFF, no truncated sequence. Encoded surrogates
   * (ED A0 80 to ED BF BF) are accepted when {@code surrogatePass}, as CPython's pickle writes them.
   *
   * @return the text, or null if malformed; then {@code errorIndex[0]} holds the index of the bad sequence
   */
  static String utf8(byte[] b, boolean surrogatePass, int[] errorIndex) {
    StringBuilder out = null;
    int i = 0;
    int n = b.length;
    // fast path: pure ASCII
    while (i < n && b[i] >= 0) {
      i++;
    }
    if (i == n) {
      return new String(b, StandardCharsets.ISO_8859_1);
    }
    out = new StringBuilder(n);
    out.append(new String(b, 0, i, StandardCharsets.ISO_8859_1));
    while (i < n) {
      int c = b[i] & 0xFF;
      if (c < 0x80) {
        out.append((char) c);
        i++;
        continue;
      }
      int need;
      int cp;
      int min;
      if (c >= 0xC2 && c <= 0xDF) {
        need = 1;
        cp = c & 0x1F;
        min = 0x80;
      } else if (c >= 0xE0 && c <= 0xEF) {
        need = 2;
        cp = c & 0x0F;
        min = 0x800;
      } else if (c >= 0xF0 && c <= 0xF4) {
        need = 3;
        cp = c & 0x07;
        min = 0x10000;
      } else {
        errorIndex[0] = i;
        return null;
      }
      if (i + need >= n) {
        errorIndex[0] = i;
        return null;
      }
      for (int k = 1; k <= need; k++) {
        int cc = b[i + k] & 0xFF;
        if ((cc & 0xC0) != 0x80) {
          errorIndex[0] = i;
          return null;
        }
        cp = (cp << 6) | (cc & 0x3F);
      }
      if (cp < min || cp > 0x10FFFF || (!surrogatePass && cp >= 0xD800 && cp <= 0xDFFF)) {
        errorIndex[0] = i;
        return null;
      }
      out.appendCodePoint(cp);
      i += need + 1;
    }
    return out.toString();
  }

  /** Strict UTF-8 for an opcode argument, or the exception naming the opcode, offset and bad byte. */
  static String utf8OrThrow(byte[] b, boolean surrogatePass, String what, long offset) {
    int[] at = new int[1];
    String s = utf8(b, surrogatePass, at);
    if (s == null) {
      throw new PickleException(Verdict.MALFORMED, "bad-utf8", offset,
          String.format("%s at offset %d is not valid UTF-8: byte 0x%02x at index %d", what, offset,
              b[at[0]] & 0xFF, at[0]));
    }
    return s;
  }

  /** A Python 2 str under a String policy (LATIN1, UTF8, ASCII). */
  static String py2Str(byte[] b, Py2Str policy, String opcode, long offset) {
    switch (policy) {
      case LATIN1:
        return new String(b, StandardCharsets.ISO_8859_1);
      case UTF8: {
        int[] at = new int[1];
        String s = utf8(b, false, at);
        if (s == null) {
          throw new PickleException(Verdict.MALFORMED, "py2-str-undecodable", offset,
              String.format("%s at offset %d: Python 2 str is not valid UTF-8 (byte 0x%02x at index %d) "
                  + "under the UTF8 str policy", opcode, offset, b[at[0]] & 0xFF, at[0]));
        }
        return s;
      }
      case ASCII:
        for (int i = 0; i < b.length; i++) {
          if (b[i] < 0) {
            throw new PickleException(Verdict.MALFORMED, "py2-str-undecodable", offset,
                String.format("%s at offset %d: Python 2 str is not ASCII (byte 0x%02x at index %d) "
                    + "under the ASCII str policy", opcode, offset, b[i] & 0xFF, i));
          }
        }
        return new String(b, StandardCharsets.ISO_8859_1);
      default:
        throw new IllegalStateException("not a text policy: " + policy);
    }
  }

  /**
   * CPython's {@code codecs.escape_decode} of the text between the quotes of a STRING argument.
   */
  static byte[] escapeDecode(byte[] b, int from, int to, long offset) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(to - from);
    int i = from;
    while (i < to) {
      int c = b[i] & 0xFF;
      if (c != '\\') {
        out.write(c);
        i++;
        continue;
      }
      if (i + 1 >= to) {
        throw malformedString(offset, "trailing \\ in string");
      }
      int e = b[i + 1] & 0xFF;
      i += 2;
      switch (e) {
        case '\n':
          break;
        case '\\':
          out.write('\\');
          break;
        case '\'':
          out.write('\'');
          break;
        case '"':
          out.write('"');
          break;
        case 'a':
          out.write(7);
          break;
        case 'b':
          out.write(8);
          break;
        case 'f':
          out.write(12);
          break;
        case 'n':
          out.write('\n');
          break;
        case 'r':
          out.write('\r');
          break;
        case 't':
          out.write('\t');
          break;
        case 'v':
          out.write(11);
          break;
        case 'x': {
          int hi = i < to ? hex(b[i]) : -1;
          int lo = i + 1 < to ? hex(b[i + 1]) : -1;
          if (hi < 0 || lo < 0) {
            throw malformedString(offset, "invalid \\x escape at position " + (i - 2 - from));
          }
          out.write(hi * 16 + lo);
          i += 2;
          break;
        }
        default:
          if (e >= '0' && e <= '7') {
            int v = e - '0';
            for (int k = 0; k < 2 && i < to && b[i] >= '0' && b[i] <= '7'; k++, i++) {
              v = v * 8 + (b[i] - '0');
            }
            out.write(v & 0xFF);
          } else {
            out.write('\\');
            out.write(e);
          }
      }
    }
    return out.toByteArray();
  }

  /**
   * CPython's {@code raw-unicode-escape} decoding of a UNICODE argument: bytes are Latin-1 characters except
   * {@code \\uXXXX} and {@code \\UXXXXXXXX} after an odd number of backslashes.
   */
  static String rawUnicodeEscape(byte[] b, int from, int to, long offset) {
    StringBuilder out = new StringBuilder(to - from);
    int i = from;
    while (i < to) {
      int c = b[i] & 0xFF;
      if (c != '\\') {
        out.append((char) c);
        i++;
        continue;
      }
      int start = i;
      while (i < to && b[i] == '\\') {
        out.append('\\');
        i++;
      }
      if (((i - start) & 1) == 0 || i >= to || (b[i] != 'u' && b[i] != 'U')) {
        continue;
      }
      out.setLength(out.length() - 1);
      int count = b[i] == 'u' ? 4 : 8;
      i++;
      int cp = 0;
      for (int k = 0; k < count; k++, i++) {
        int h = i < to ? hex(b[i]) : -1;
        if (h < 0) {
          throw new PickleException(Verdict.MALFORMED, "bad-string-literal", offset, String.format(
              "UNICODE at offset %d: truncated \\%sXXXX escape at position %d", offset, count == 4 ? "u" : "U",
              start - from));
        }
        cp = cp * 16 + h;
        if (cp > 0x10FFFF) {
          throw new PickleException(Verdict.MALFORMED, "bad-string-literal", offset, String.format(
              "UNICODE at offset %d: \\U escape at position %d is out of range", offset, start - from));
        }
      }
      out.appendCodePoint(cp);
    }
    return out.toString();
  }

  private static int hex(byte c) {
    return Character.digit(c, 16) >= 0 && c < 0x80 ? Character.digit(c, 16) : -1;
  }

  private static PickleException malformedString(long offset, String what) {
    return new PickleException(Verdict.MALFORMED, "bad-string-literal", offset,
        "STRING at offset " + offset + ": " + what);
  }
}
