package dev.cachecompat.json;

import com.fasterxml.jackson.core.io.NumberInput;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.BigIntegerNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.DoubleNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.cachecompat.core.Limits;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Reads JSON bytes into a Jackson tree exactly as Python's {@code json.loads} reads them: its grammar
 * (numbers {@code -?(0|[1-9]\d*)(\.\d+)?([eE][-+]?\d+)?}, bare {@code NaN}, {@code Infinity},
 * {@code -Infinity}, no control characters inside strings, lone surrogate escapes allowed even in keys, no BOM,
 * nothing after the value), integers exact, numbers with {@code .}/{@code e}/{@code E} as doubles, the last of
 * duplicate keys. Under RFC 8785 every number is a double.
 *
 * <p>Why not Jackson's parser: it refuses lone surrogate escapes in field names, accepts {@code +INF},
 * {@code -INF}, {@code +Infinity}, a BOM and overlong UTF-8, all of which Python treats the other way. Jackson
 * still parses the number text (FastDoubleParser) and provides the tree.
 *
 * <p>Iterative: containers live on an array stack bounded by {@link Limits#maxDepth()}. Every limit is checked
 * before allocating. Thread-safe (no state between calls).
 */
final class JsonReader {
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private final boolean python;
  private final boolean allowNonFinite;
  private final boolean refuseDuplicates;
  private final boolean refuseLoneSurrogates;
  private final Limits limits;
  private final java.util.Comparator<String> order;

  JsonReader(CanonicalJson cfg) {
    this.order = cfg.style() == JsonStyle.PYTHON ? KeyOrder.CODE_POINT : KeyOrder.UTF16;
    this.python = cfg.style() == JsonStyle.PYTHON;
    this.allowNonFinite = python && cfg.allowNonFinite();
    this.refuseDuplicates = cfg.refuseDuplicateKeys();
    // Python style refuses a lone surrogate only when it reaches raw UTF-8 output (the writer does that): one in
    // a value that a later duplicate key replaces is dropped, as json.loads then json.dumps drop it.
    this.refuseLoneSurrogates = !python;
    this.limits = cfg.limits();
  }

  /** One parse: the input and the position. */
  private final class Run {
    final byte[] b;
    final int end;
    final boolean internal;
    int i;
    /** Scratch for decoding UTF-8. */
    char[] chars = new char[64];
    /** Whether the last string read was pure ASCII without escapes. */
    boolean lastStringAscii;
    /** Whether the last key read has a char at or above U+D800. */
    boolean lastKeyHigh;

    Run(byte[] b, int off, int len, boolean internal) {
      this.b = b;
      this.i = off;
      this.end = off + len;
      this.internal = internal;
    }

    Object parse() {
      Object[] stack = new Object[16];
      String[] names = new String[16];
      long[] nameOffsets = new long[16];
      int depth = 0;
      Object root = null;
      skipWhitespace();
      if (i >= end) {
        throw malformed(i, "expecting a value at offset " + i + " but the input " + (end == 0 ? "is empty" : "ends"));
      }
      while (true) {
        // here a value is expected
        if (i >= end) {
          throw malformed(i, "expecting a value at offset " + i + " but the input ends");
        }
        Object v;
        int start = i;
        byte c = b[i];
        if (c == '{' || c == '[') {
          if (depth >= limits.maxDepth()) {
            throw new JsonCanonicalException("too-deep", i,
                "nesting deeper than the limit of " + limits.maxDepth() + " at offset " + i);
          }
          Object container = c == '{'
              ? (internal ? new Parsed.Members() : NODES.objectNode())
              : (internal ? new Parsed.Elements() : NODES.arrayNode());
          if (depth == 0) {
            root = container;
          } else {
            attach(stack[depth - 1], names[depth - 1], nameOffsets[depth - 1], container);
          }
          if (depth == stack.length) {
            stack = Arrays.copyOf(stack, depth * 2);
            names = Arrays.copyOf(names, depth * 2);
            nameOffsets = Arrays.copyOf(nameOffsets, depth * 2);
          }
          stack[depth++] = container;
          i++;
          skipWhitespace();
          byte close = c == '{' ? (byte) '}' : (byte) ']';
          if (i < end && b[i] == close) {
            i++;
            depth--;
            stack[depth] = null;
            if (depth == 0) {
              return finish(root);
            }
            // fall through to "after a value" handling below
          } else {
            if (c == '{') {
              nameOffsets[depth - 1] = i;
              names[depth - 1] = key();
            }
            continue;
          }
        } else {
          v = scalar(c, start);
          if (depth == 0) {
            return finish(v);
          }
          attach(stack[depth - 1], names[depth - 1], nameOffsets[depth - 1], v);
        }
        // after a value inside a container: ',' or the closing bracket, possibly closing several levels
        while (true) {
          skipWhitespace();
          Object top = stack[depth - 1];
          boolean inObject = top instanceof ObjectNode || top instanceof Parsed.Members;
          if (i >= end) {
            throw malformed(i, "unterminated " + (inObject ? "object" : "array") + ": input ends at offset " + i);
          }
          byte d = b[i];
          if (d == ',') {
            i++;
            skipWhitespace();
            if (inObject) {
              nameOffsets[depth - 1] = i;
              names[depth - 1] = key();
            } else if (i >= end) {
              throw malformed(i, "expecting a value at offset " + i + " but the input ends");
            }
            break;
          }
          if (d == (inObject ? '}' : ']')) {
            i++;
            if (top instanceof Parsed.Members) {
              close((Parsed.Members) top);
            }
            stack[--depth] = null;
            if (depth == 0) {
              return finish(root);
            }
            continue;
          }
          throw malformed(i, "expecting ',' or '" + (inObject ? '}' : ']') + "' at offset " + i + ", found "
              + describe(i));
        }
      }
    }

    /** Reads {@code "key"} and the colon after it, leaving i at the value. */
    private String key() {
      if (i >= end || b[i] != '"') {
        throw malformed(i, "expecting a property name in double quotes at offset " + i + ", found " + describe(i));
      }
      int at = i;
      String k = string();
      if (refuseLoneSurrogates) {
        checkSurrogates(k, at);
      }
      lastKeyHigh = false;
      if (!lastStringAscii) {
        for (int q = 0; q < k.length(); q++) {
          if (k.charAt(q) >= Character.MIN_SURROGATE) {
            lastKeyHigh = true;
            break;
          }
        }
      }
      skipWhitespace();
      if (i >= end || b[i] != ':') {
        throw malformed(i, "expecting ':' after the key at offset " + at + ", found " + describe(i) + " at offset " + i);
      }
      i++;
      skipWhitespace();
      if (i >= end) {
        throw malformed(i, "expecting a value at offset " + i + " but the input ends");
      }
      return k;
    }

    private Object scalar(byte c, int start) {
      switch (c) {
        case '"': {
          if (internal) {
            Parsed.Ascii a = printableAscii();
            if (a != null) {
              return a;
            }
          }
          String s = string();
          if (refuseLoneSurrogates) {
            checkSurrogates(s, start);
          }
          return internal ? s : TextNode.valueOf(s);
        }
        case 't':
          literal("true");
          return internal ? Boolean.TRUE : BooleanNode.TRUE;
        case 'f':
          literal("false");
          return internal ? Boolean.FALSE : BooleanNode.FALSE;
        case 'n':
          literal("null");
          return internal ? null : NullNode.instance;
        case 'N':
          literal("NaN");
          return dbl(nonFinite(Double.NaN, start));
        case 'I':
          literal("Infinity");
          return dbl(nonFinite(Double.POSITIVE_INFINITY, start));
        default:
          if (c == '-' && i + 1 < end && b[i + 1] == 'I') {
            literal("-Infinity");
            return dbl(nonFinite(Double.NEGATIVE_INFINITY, start));
          }
          if (c == '-' || (c >= '0' && c <= '9')) {
            return number(start);
          }
          throw malformed(i, "expecting a value at offset " + i + ", found " + describe(i));
      }
    }

    private void literal(String word) {
      int n = word.length();
      if (end - i < n) {
        throw malformed(i, "expecting a value at offset " + i + ", found " + describe(i));
      }
      for (int k = 0; k < n; k++) {
        if (b[i + k] != word.charAt(k)) {
          throw malformed(i, "expecting a value at offset " + i + ", found " + describe(i));
        }
      }
      i += n;
    }

    private double nonFinite(double d, int at) {
      if (!allowNonFinite) {
        String what = Double.isNaN(d) ? "NaN" : d > 0 ? "Infinity" : "-Infinity";
        throw new JsonCanonicalException("non-finite-number", at, "number at offset " + at + " is " + what
            + ", which " + (python ? "strict Python style (allow_nan=False)" : "RFC 8785") + " does not allow");
      }
      return d;
    }

    private Object dbl(double d) {
      return internal ? (Object) d : DoubleNode.valueOf(d);
    }

    private Object number(int start) {
      int p = i;
      if (b[p] == '-') {
        p++;
      }
      if (p >= end || b[p] < '0' || b[p] > '9') {
        throw malformed(start, "expecting a value at offset " + start + ", found " + describe(start));
      }
      if (b[p] == '0') {
        p++;
      } else {
        while (p < end && b[p] >= '0' && b[p] <= '9') {
          p++;
        }
      }
      int intEnd = p;
      boolean integral = true;
      if (p + 1 < end && b[p] == '.' && b[p + 1] >= '0' && b[p + 1] <= '9') {
        integral = false;
        p += 2;
        while (p < end && b[p] >= '0' && b[p] <= '9') {
          p++;
        }
      }
      if (p < end && (b[p] == 'e' || b[p] == 'E')) {
        int q = p + 1;
        if (q < end && (b[q] == '+' || b[q] == '-')) {
          q++;
        }
        if (q < end && b[q] >= '0' && b[q] <= '9') {
          integral = false;
          p = q;
          while (p < end && b[p] >= '0' && b[p] <= '9') {
            p++;
          }
        }
      }
      i = p;
      int digits = intEnd - start - (b[start] == '-' ? 1 : 0);
      if (integral) {
        if (digits > limits.maxIntDigits()) {
          throw new JsonCanonicalException("number-too-long", start, "integer at offset " + start + " has "
              + digits + " digits, over the limit of " + limits.maxIntDigits());
        }
        if (digits <= 18) {
          long v = 0;
          for (int k = intEnd - digits; k < intEnd; k++) {
            v = v * 10 + (b[k] - '0');
          }
          if (b[start] == '-') {
            v = -v;
          }
          if (!python) {
            return dbl((double) v);
          }
          if (internal) {
            return v;
          }
          return v == (int) v ? IntNode.valueOf((int) v) : LongNode.valueOf(v);
        }
        String text = new String(b, start, p - start, StandardCharsets.ISO_8859_1);
        if (!python) {
          return dbl(finite(Double.parseDouble(text), start));
        }
        BigInteger big = new BigInteger(text);
        if (internal) {
          return big.bitLength() < 64 ? (Object) big.longValue() : big;
        }
        return big.bitLength() < 64 ? LongNode.valueOf(big.longValue()) : BigIntegerNode.valueOf(big);
      }
      if (p - start > limits.maxStringBytes()) {
        throw new JsonCanonicalException("number-too-long", start, "number at offset " + start + " has "
            + (p - start) + " characters, over the limit of " + limits.maxStringBytes());
      }
      String text = new String(b, start, p - start, StandardCharsets.ISO_8859_1);
      return dbl(finite(NumberInput.parseDouble(text, true), start));
    }

    private double finite(double d, int at) {
      return Double.isInfinite(d) ? nonFinite(d, at) : d;
    }

    /**
     * The offset of the closing quote of the string whose opening quote is at {@code i}, when every byte between
     * them is printable ASCII (0x20 to 0x7E) other than a quote or backslash; else -1. Such a string is its bytes
     * read as Latin-1, and every style writes it back as those same bytes.
     */
    private int plainEnd() {
      int p = i + 1;
      while (p < end) {
        byte c = b[p];
        if (c < 0x20 || c == '"' || c == '\\' || c == 0x7f) { // c < 0x20 also catches every non-ASCII byte
          break;
        }
        p++;
      }
      return p < end && b[p] == '"' ? p : -1;
    }

    /**
     * The string at {@code i} as a view of its input bytes when it is plain ({@link #plainEnd}), leaving
     * {@code i} after its closing quote; else null, with {@code i} where it was.
     */
    private Parsed.Ascii printableAscii() {
      int start = i;
      int q = plainEnd();
      if (q < 0) {
        return null;
      }
      checkLength(start, q - start - 1);
      i = q + 1;
      return new Parsed.Ascii(b, start + 1, q - start - 1);
    }

    /** Reads the string whose opening quote is at i; leaves i after the closing quote. */
    private String string() {
      int start = i;
      int q = plainEnd();
      if (q >= 0) {
        checkLength(start, q - start - 1);
        lastStringAscii = true;
        i = q + 1;
        return new String(b, start + 1, q - start - 1, StandardCharsets.ISO_8859_1);
      }
      lastStringAscii = false;
      return decode(start);
    }

    /**
     * Decodes a string with escapes or non-ASCII characters in one pass, validating UTF-8 strictly (overlong
     * forms, surrogates, code points beyond U+10FFFF and truncated sequences are {@code invalid-utf8}).
     */
    private String decode(int start) {
      char[] c = chars;
      int k = 0;
      int p = start + 1;
      long max = limits.maxStringBytes();
      while (true) {
        if (p >= end) {
          throw malformed(start, "unterminated string starting at offset " + start);
        }
        if (k + 2 > c.length) {
          if (k > max) {
            checkLength(start, k);
          }
          c = Arrays.copyOf(c, c.length * 2);
          chars = c;
        }
        int x = b[p];
        if (x >= 0) {
          if (x == '"') {
            checkLength(start, k);
            i = p + 1;
            return new String(c, 0, k);
          }
          if (x == '\\') {
            p = escape(p, c, k);
            k++;
            continue;
          }
          if (x < 0x20) {
            throw malformed(p, String.format(
                "invalid control character 0x%02x in the string at offset %d, at offset %d", x, start, p));
          }
          c[k++] = (char) x;
          p++;
          continue;
        }
        x &= 0xff;
        if (x >= 0xe0 && x <= 0xef && p + 2 < end) {
          int y = b[p + 1];
          int z = b[p + 2];
          if ((y & 0xc0) == 0x80 && (z & 0xc0) == 0x80) {
            int cp = ((x & 0x0f) << 12) | ((y & 0x3f) << 6) | (z & 0x3f);
            if (cp >= 0x800 && (cp < Character.MIN_SURROGATE || cp > Character.MAX_SURROGATE)) {
              c[k++] = (char) cp;
              p += 3;
              continue;
            }
          }
        } else if (x >= 0xc2 && x <= 0xdf && p + 1 < end) {
          int y = b[p + 1];
          if ((y & 0xc0) == 0x80) {
            c[k++] = (char) (((x & 0x1f) << 6) | (y & 0x3f));
            p += 2;
            continue;
          }
        } else if (x >= 0xf0 && x <= 0xf4 && p + 3 < end) {
          int y = b[p + 1];
          int z = b[p + 2];
          int w = b[p + 3];
          if ((y & 0xc0) == 0x80 && (z & 0xc0) == 0x80 && (w & 0xc0) == 0x80) {
            int cp = ((x & 0x07) << 18) | ((y & 0x3f) << 12) | ((z & 0x3f) << 6) | (w & 0x3f);
            if (cp >= 0x10000 && cp <= Character.MAX_CODE_POINT) {
              c[k++] = Character.highSurrogate(cp);
              c[k++] = Character.lowSurrogate(cp);
              p += 4;
              continue;
            }
          }
        }
        Utf8.validate(b, p, end); // names the error and its offset
        throw new JsonCanonicalException("invalid-utf8", p, "invalid UTF-8 at offset " + p);
      }
    }

    /** Decodes the escape at {@code b[p]} (a backslash) into {@code c[k]}; returns the index after it. */
    private int escape(int p, char[] c, int k) {
      if (p + 1 >= end) {
        throw malformed(p, "unterminated string: input ends after the backslash at offset " + p);
      }
      byte e = b[p + 1];
      switch (e) {
        case '"':
        case '\\':
        case '/':
          c[k] = (char) e;
          return p + 2;
        case 'b':
          c[k] = '\b';
          return p + 2;
        case 'f':
          c[k] = '\f';
          return p + 2;
        case 'n':
          c[k] = '\n';
          return p + 2;
        case 'r':
          c[k] = '\r';
          return p + 2;
        case 't':
          c[k] = '\t';
          return p + 2;
        case 'u': {
          int v = 0;
          for (int q = 2; q < 6; q++) {
            int h = p + q < end ? hex(b[p + q]) : -1;
            if (h < 0) {
              throw malformed(p, "invalid \\uXXXX escape at offset " + p);
            }
            v = v << 4 | h;
          }
          c[k] = (char) v;
          return p + 6;
        }
        default:
          throw malformed(p, "invalid escape '\\" + printable(e) + "' at offset " + p);
      }
    }

    private void checkLength(int start, long length) {
      if (length > limits.maxStringBytes()) {
        throw new JsonCanonicalException("string-too-long", start, "string at offset " + start + " is over "
            + limits.maxStringBytes() + " bytes long");
      }
    }

    private void skipWhitespace() {
      while (i < end) {
        byte c = b[i];
        if (c == ' ' || c == '\n' || c == '\r' || c == '\t') {
          i++;
        } else {
          break;
        }
      }
    }

    private Object finish(Object root) {
      skipWhitespace();
      if (i < end) {
        throw malformed(i, "extra data after the JSON value at offset " + i + ": " + describe(i));
      }
      return root;
    }

    private void attach(Object parent, String name, long nameOffset, Object v) {
      if (parent instanceof Parsed.Members) {
        Parsed.Members m = (Parsed.Members) parent;
        m.add(name, v, (int) nameOffset);
        if (!m.highKeys && python && lastKeyHigh) {
          m.highKeys = true;
        }
      } else if (parent instanceof Parsed.Elements) {
        ((Parsed.Elements) parent).add(v);
      } else if (parent instanceof ObjectNode) {
        JsonNode previous = ((ObjectNode) parent).replace(name, (JsonNode) v);
        if (previous != null && refuseDuplicates) {
          throw new JsonCanonicalException("duplicate-key", nameOffset,
              "duplicate key \"" + name + "\" at offset " + nameOffset);
        }
      } else {
        ((ArrayNode) parent).add((JsonNode) v);
      }
    }

    /** Sorts a complete object; of equal keys the last (in input order) stays, as in Python. */
    private void close(Parsed.Members m) {
      int n = m.n;
      if (n < 2) {
        return;
      }
      // Below U+D800 code-point order is UTF-16 order, and String.compareTo is an intrinsic.
      KeyOrder.sort(m.keys, m.vals, m.offsets, n, m.highKeys ? order : KeyOrder.UTF16);
      int w = 0;
      int firstRepeat = Integer.MAX_VALUE;
      String repeated = null;
      for (int r = 0; r < n; r++) {
        if (r + 1 < n && m.keys[r].equals(m.keys[r + 1])) {
          if (m.offsets[r + 1] < firstRepeat) {
            firstRepeat = m.offsets[r + 1];
            repeated = m.keys[r];
          }
          continue; // a later one with the same key follows: it wins
        }
        m.keys[w] = m.keys[r];
        m.vals[w] = m.vals[r];
        m.offsets[w++] = m.offsets[r];
      }
      if (repeated != null && refuseDuplicates) {
        throw new JsonCanonicalException("duplicate-key", firstRepeat,
            "duplicate key \"" + repeated + "\" at offset " + firstRepeat);
      }
      for (int r = w; r < n; r++) {
        m.keys[r] = null;
        m.vals[r] = null;
      }
      m.n = w;
    }

    private String describe(int at) {
      if (at >= end) {
        return "the end of the input";
      }
      int c = b[at] & 0xff;
      return c >= 0x20 && c < 0x7f ? "'" + (char) c + "'" : String.format("byte 0x%02x", c);
    }
  }

  /** Reads into a Jackson tree. */
  JsonNode parse(byte[] b, int off, int len) {
    return (JsonNode) read(b, off, len, false);
  }

  /** Reads into the light {@link Parsed} tree that only the writer consumes. */
  Object parseForWriting(byte[] b, int off, int len) {
    return read(b, off, len, true);
  }

  private Object read(byte[] b, int off, int len, boolean internal) {
    if (len > limits.maxPayloadBytes()) {
      throw new JsonCanonicalException("too-large", off + limits.maxPayloadBytes(),
          "input of " + len + " bytes exceeds the limit of " + limits.maxPayloadBytes() + " bytes");
    }
    if (len >= 3 && (b[off] & 0xff) == 0xef && (b[off + 1] & 0xff) == 0xbb && (b[off + 2] & 0xff) == 0xbf) {
      throw new JsonCanonicalException("malformed", off,
          "UTF-8 byte order mark at offset " + off + " (Python's json.loads(str) refuses it)");
    }
    try {
      return new Run(b, off, len, internal).parse();
    } catch (JsonCanonicalException e) {
      // Python decodes the whole input before parsing, so invalid UTF-8 anywhere is the error it reports.
      Utf8.validate(b, off, off + len);
      throw e;
    }
  }

  private static int hex(byte c) {
    if (c >= '0' && c <= '9') {
      return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
      return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
      return c - 'A' + 10;
    }
    return -1;
  }

  private static String printable(byte c) {
    int u = c & 0xff;
    return u >= 0x20 && u < 0x7f ? String.valueOf((char) u) : String.format("\\x%02x", u);
  }

  private static void checkSurrogates(String s, long at) {
    int n = s.length();
    for (int k = 0; k < n; k++) {
      char c = s.charAt(k);
      if (Character.isSurrogate(c)) {
        if (Character.isHighSurrogate(c) && k + 1 < n && Character.isLowSurrogate(s.charAt(k + 1))) {
          k++;
          continue;
        }
        throw new JsonCanonicalException("lone-surrogate", at, String.format(
            "string at offset %d has a lone surrogate \\u%04x, which UTF-8 output cannot encode", at, (int) c));
      }
    }
  }

  private static JsonCanonicalException malformed(long at, String message) {
    return new JsonCanonicalException("malformed", at, message);
  }
}
