package dev.cachecompat.json;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.POJONode;
import dev.cachecompat.core.Finding;
import java.lang.reflect.Array;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Base64;
import java.util.Collection;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.RandomAccess;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Writes one value in one style into a {@link ByteSink}, without recursion: containers are frames on an
 * explicit stack bounded by {@code Limits.maxDepth()}, so neither deep trees nor cyclic Java collections
 * can overflow the stack. Not thread-safe; one per write.
 */
final class CanonicalWriter {
  private static final byte[] HEX = "0123456789abcdef".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
  /** For each ASCII char: 0 to copy it, else the letter after the backslash ('u' for a \\u00XX escape). */
  private static final byte[] ESCAPES_RAW_DEL = new byte[128];
  private static final byte[] ESCAPES_ASCII = new byte[128];
  /** In the byte tables: a byte of 0x80 or above, which {@link #asciiString} does not write. */
  private static final byte NOT_ASCII = -1;
  /**
   * The escape tables indexed by any byte ({@code b & 0xFF}), {@link #NOT_ASCII} from 0x80: one load and one
   * test a byte for the common case in {@link #asciiString}.
   */
  private static final byte[] BYTES_RAW_DEL = new byte[256];
  private static final byte[] BYTES_ASCII = new byte[256];

  static {
    for (int c = 0; c < 0x20; c++) {
      ESCAPES_RAW_DEL[c] = 'u';
    }
    ESCAPES_RAW_DEL['"'] = '"';
    ESCAPES_RAW_DEL['\\'] = '\\';
    ESCAPES_RAW_DEL['\b'] = 'b';
    ESCAPES_RAW_DEL['\f'] = 'f';
    ESCAPES_RAW_DEL['\n'] = 'n';
    ESCAPES_RAW_DEL['\r'] = 'r';
    ESCAPES_RAW_DEL['\t'] = 't';
    System.arraycopy(ESCAPES_RAW_DEL, 0, ESCAPES_ASCII, 0, 128);
    ESCAPES_ASCII[0x7f] = 'u';
    System.arraycopy(ESCAPES_RAW_DEL, 0, BYTES_RAW_DEL, 0, 128);
    System.arraycopy(ESCAPES_ASCII, 0, BYTES_ASCII, 0, 128);
    for (int c = 0x80; c < 0x100; c++) {
      BYTES_RAW_DEL[c] = NOT_ASCII;
      BYTES_ASCII[c] = NOT_ASCII;
    }
  }

  private static final int OBJECT = 0;
  private static final int NODE_ARRAY = 1;
  private static final int LIST = 2;
  private static final int ITERATOR = 3;
  private static final int OBJECT_ARRAY = 4;
  private static final int PRIMITIVE_ARRAY = 5;

  /** One open container. */
  private static final class Frame {
    int kind;
    String[] keys;
    Object[] vals;
    ArrayNode arrayNode;
    List<?> list;
    Iterator<?> iterator;
    Object array;
    int i;
    int n;

    void clear() {
      keys = null;
      vals = null;
      arrayNode = null;
      list = null;
      iterator = null;
      array = null;
    }
  }

  private final CanonicalJson cfg;
  private final boolean python;
  private final boolean ensureAscii;
  private final byte[] escapes;
  private final byte[] byteEscapes;
  private final Comparator<String> order;
  final byte[] itemSeparator;
  final byte[] keySeparator;
  private final int maxDepth;
  final ByteSink out;
  private final DoubleFormat doubles = new DoubleFormat();
  private static final int CHUNK = 256;
  private final char[] chunk = new char[CHUNK];
  private Frame[] stack = new Frame[16];
  private int depth;

  CanonicalWriter(CanonicalJson cfg, ByteSink out) {
    this.cfg = cfg;
    this.python = cfg.style() == JsonStyle.PYTHON;
    this.ensureAscii = cfg.ensureAscii();
    this.escapes = ensureAscii ? ESCAPES_ASCII : ESCAPES_RAW_DEL;
    this.byteEscapes = ensureAscii ? BYTES_ASCII : BYTES_RAW_DEL;
    this.order = python ? KeyOrder.CODE_POINT : KeyOrder.UTF16;
    boolean compact = cfg.compact();
    this.itemSeparator = compact ? new byte[] {','} : new byte[] {',', ' '};
    this.keySeparator = compact ? new byte[] {':'} : new byte[] {':', ' '};
    this.maxDepth = cfg.limits().maxDepth();
    this.out = out;
  }

  /** Writes {@code root} and everything inside it. */
  void write(Object root) {
    value(root);
    while (depth > 0) {
      Frame f = stack[depth - 1];
      Object v;
      switch (f.kind) {
        case OBJECT:
          if (f.i == f.n) {
            close(f, '}');
            continue;
          }
          if (f.i > 0) {
            out.put(itemSeparator);
          }
          string(f.keys[f.i]);
          out.put(keySeparator);
          v = f.vals[f.i];
          break;
        case NODE_ARRAY:
          if (f.i == f.n) {
            close(f, ']');
            continue;
          }
          v = f.arrayNode.get(f.i);
          break;
        case LIST:
          if (f.i == f.n) {
            close(f, ']');
            continue;
          }
          v = f.list.get(f.i);
          break;
        case ITERATOR:
          if (!f.iterator.hasNext()) {
            close(f, ']');
            continue;
          }
          v = f.iterator.next();
          break;
        case OBJECT_ARRAY:
          if (f.i == f.n) {
            close(f, ']');
            continue;
          }
          v = f.vals[f.i];
          break;
        default:
          if (f.i == f.n) {
            close(f, ']');
            continue;
          }
          v = Array.get(f.array, f.i);
          break;
      }
      if (f.kind != OBJECT && f.i > 0) {
        out.put(itemSeparator);
      }
      f.i++;
      value(v);
    }
  }

  private void close(Frame f, char bracket) {
    out.put((byte) bracket);
    f.clear();
    depth--;
  }

  private Frame push(int kind, char bracket) {
    if (depth >= maxDepth) {
      throw tooDeep(maxDepth);
    }
    if (depth == stack.length) {
      stack = java.util.Arrays.copyOf(stack, depth * 2);
    }
    Frame f = stack[depth];
    if (f == null) {
      f = new Frame();
      stack[depth] = f;
    }
    depth++;
    f.kind = kind;
    f.i = 0;
    out.put((byte) bracket);
    return f;
  }

  private void value(Object v) {
    if (v instanceof Parsed.Members) {
      Parsed.Members m = (Parsed.Members) v;
      Frame f = push(OBJECT, '{');
      f.keys = m.keys;
      f.vals = m.vals;
      f.n = m.n;
    } else if (v instanceof Parsed.Elements) {
      Parsed.Elements e = (Parsed.Elements) v;
      Frame f = push(OBJECT_ARRAY, '[');
      f.vals = e.vals;
      f.n = e.n;
    } else if (v instanceof Parsed.Ascii) {
      Parsed.Ascii a = (Parsed.Ascii) v;
      out.ensure(a.len + 2L);
      byte[] b = out.buf;
      int p = out.len;
      b[p++] = '"';
      System.arraycopy(a.src, a.off, b, p, a.len);
      p += a.len;
      b[p++] = '"';
      out.len = p;
    } else if (v instanceof JsonNode) {
      node((JsonNode) v);
    } else if (v == null) {
      out.putAscii("null");
    } else if (v instanceof String) {
      string((String) v);
    } else if (v instanceof Boolean) {
      out.putAscii((Boolean) v ? "true" : "false");
    } else if (v instanceof Integer || v instanceof Long || v instanceof Short || v instanceof Byte
        || v instanceof AtomicInteger || v instanceof AtomicLong) {
      integer(((Number) v).longValue());
    } else if (v instanceof Double || v instanceof Float) {
      floating(((Number) v).doubleValue());
    } else if (v instanceof BigInteger) {
      bigInteger((BigInteger) v);
    } else if (v instanceof BigDecimal) {
      floating(((BigDecimal) v).doubleValue());
    } else if (v instanceof CharSequence || v instanceof Character) {
      string(v.toString());
    } else if (v instanceof Map) {
      map((Map<?, ?>) v);
    } else if (v instanceof List && v instanceof RandomAccess) {
      Frame f = push(LIST, '[');
      f.list = (List<?>) v;
      f.n = f.list.size();
    } else if (v instanceof Collection) {
      Frame f = push(ITERATOR, '[');
      f.iterator = ((Collection<?>) v).iterator();
    } else if (v instanceof byte[]) {
      string(Base64.getEncoder().encodeToString((byte[]) v));
    } else if (v instanceof Object[]) {
      Frame f = push(OBJECT_ARRAY, '[');
      f.vals = (Object[]) v;
      f.n = f.vals.length;
    } else if (v.getClass().isArray()) {
      Frame f = push(PRIMITIVE_ARRAY, '[');
      f.array = v;
      f.n = Array.getLength(v);
    } else {
      JsonNode tree;
      try {
        tree = cfg.mapper().valueToTree(v);
      } catch (IllegalArgumentException e) {
        throw new JsonCanonicalException("unsupported-type", Finding.NO_OFFSET,
            "Jackson cannot bind a " + v.getClass().getName() + " to JSON: " + e.getMessage(), e);
      }
      node(tree);
    }
  }

  private void node(JsonNode node) {
    switch (node.getNodeType()) {
      case STRING:
        string(node.textValue());
        break;
      case NUMBER:
        switch (node.numberType()) {
          case INT:
          case LONG:
            integer(node.longValue());
            break;
          case BIG_INTEGER:
            bigInteger(node.bigIntegerValue());
            break;
          default:
            floating(node.doubleValue());
            break;
        }
        break;
      case BOOLEAN:
        out.putAscii(node.booleanValue() ? "true" : "false");
        break;
      case NULL:
        out.putAscii("null");
        break;
      case ARRAY: {
        Frame f = push(NODE_ARRAY, '[');
        f.arrayNode = (ArrayNode) node;
        f.n = node.size();
        break;
      }
      case OBJECT: {
        ObjectNode o = (ObjectNode) node;
        int n = o.size();
        String[] keys = new String[n];
        Object[] vals = new Object[n];
        int i = 0;
        boolean high = false;
        for (Map.Entry<String, JsonNode> e : o.properties()) {
          String k = e.getKey();
          if (python && !high) {
            for (int q = 0; q < k.length(); q++) {
              if (k.charAt(q) >= Character.MIN_SURROGATE) {
                high = true;
                break;
              }
            }
          }
          keys[i] = k;
          vals[i++] = e.getValue();
        }
        // Below U+D800 code-point order is UTF-16 order, and String.compareTo is an intrinsic.
        KeyOrder.sort(keys, vals, n, high ? order : KeyOrder.UTF16);
        Frame f = push(OBJECT, '{');
        f.keys = keys;
        f.vals = vals;
        f.n = n;
        break;
      }
      case BINARY:
        try {
          string(Base64.getEncoder().encodeToString(node.binaryValue()));
        } catch (java.io.IOException e) {
          throw new JsonCanonicalException("unsupported-type", Finding.NO_OFFSET, "unreadable binary node", e);
        }
        break;
      case POJO:
        value(((POJONode) node).getPojo());
        break;
      default:
        throw new JsonCanonicalException("unsupported-type", Finding.NO_OFFSET,
            "a " + node.getNodeType() + " node has no JSON form");
    }
  }

  private void map(Map<?, ?> m) {
    int n = m.size();
    String[] keys = new String[n];
    Object[] vals = new Object[n];
    boolean allStrings = true;
    int i = 0;
    for (Map.Entry<?, ?> e : m.entrySet()) {
      if (i == n) {
        break;
      }
      Object k = e.getKey();
      if (!(k instanceof String)) {
        allStrings = false;
        break;
      }
      keys[i] = (String) k;
      vals[i++] = e.getValue();
    }
    if (allStrings) {
      n = i;
      KeyOrder.sort(keys, vals, n, order);
    } else {
      n = MapKeys.sortAndConvert(m, keys, vals, python, doubles, cfg.allowNonFinite());
    }
    Frame f = push(OBJECT, '{');
    f.keys = keys;
    f.vals = vals;
    f.n = n;
  }

  void integer(long v) {
    if (!python) {
      floating((double) v);
      return;
    }
    out.ensure(20);
    byte[] b = out.buf;
    int p = out.len;
    if (v < 0) {
      if (v == Long.MIN_VALUE) {
        out.putAscii("-9223372036854775808");
        return;
      }
      b[p++] = '-';
      v = -v;
    }
    int end = p + Digits.count(v);
    Digits.write(b, end, v);
    out.len = end;
  }

  void bigInteger(BigInteger v) {
    if (python) {
      if (v.bitLength() < 64) {
        integer(v.longValue());
      } else {
        out.putAscii(v.toString());
      }
    } else {
      floating(v.doubleValue());
    }
  }

  void floating(double v) {
    if (Double.isNaN(v) || Double.isInfinite(v)) {
      String text = Double.isNaN(v) ? "NaN" : v > 0 ? "Infinity" : "-Infinity";
      if (!python || !cfg.allowNonFinite()) {
        throw new JsonCanonicalException("non-finite-number", Finding.NO_OFFSET,
            "float " + text + " is not allowed in " + (python ? "strict Python style (allow_nan=False)" : "RFC 8785"));
      }
      out.putAscii(text);
    } else if (python) {
      doubles.writePython(v, out);
    } else {
      doubles.writeEcma(v, out);
    }
  }

  void string(String s) {
    int n = s.length();
    if (n <= 24 && ensureAscii) {
      shortAscii(s, n);
      return;
    }
    // Reserve room for the worst case (6 bytes a char) a chunk at a time, so a long string does not claim
    // six times its length from the output limit.
    // Chars are copied out a chunk at a time too: indexing a char[] is cheaper than String.charAt.
    int chunkEnd = Math.min(n, CHUNK);
    out.ensure(chunkEnd * 6L + 8);
    byte[] b = out.buf;
    int p = out.len;
    b[p++] = '"';
    byte[] esc = escapes;
    char[] cs = chunk;
    int base = 0;
    s.getChars(0, chunkEnd, cs, 0);
    for (int i = 0; i < n; i++) {
      if (i >= chunkEnd) {
        out.len = p;
        base = i;
        chunkEnd = Math.min(n, i + CHUNK);
        out.ensure((chunkEnd - i) * 6L + 8);
        b = out.buf;
        s.getChars(i, chunkEnd, cs, 0);
      }
      char c = cs[i - base];
      if (c < 0x80) {
        byte e = esc[c];
        if (e == 0) {
          b[p++] = (byte) c;
        } else {
          b[p++] = '\\';
          if (e == 'u') {
            p = hex4(b, p, c);
          } else {
            b[p++] = e;
          }
        }
      } else if (ensureAscii) {
        b[p++] = '\\';
        p = hex4(b, p, c);
      } else {
        out.ascii = false;
        if (c < 0x800) {
          b[p++] = (byte) (0xc0 | (c >> 6));
          b[p++] = (byte) (0x80 | (c & 0x3f));
        } else if (!Character.isSurrogate(c)) {
          b[p++] = (byte) (0xe0 | (c >> 12));
          b[p++] = (byte) (0x80 | ((c >> 6) & 0x3f));
          b[p++] = (byte) (0x80 | (c & 0x3f));
        } else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
          int cp = Character.toCodePoint(c, s.charAt(++i)); // a low half past the chunk: the next turn refills
          b[p++] = (byte) (0xf0 | (cp >> 18));
          b[p++] = (byte) (0x80 | ((cp >> 12) & 0x3f));
          b[p++] = (byte) (0x80 | ((cp >> 6) & 0x3f));
          b[p++] = (byte) (0x80 | (cp & 0x3f));
        } else {
          throw loneSurrogate(c, i);
        }
      }
    }
    b[p++] = '"';
    out.len = p;
  }

  /**
   * Kept out of {@link #string}: C1 inlines {@code String.format} into a caller, and a profiler then charges the
   * samples of the hot character loop (which has no debug information of its own) to that cold formatting code.
   */
  private static JsonCanonicalException loneSurrogate(char c, int i) {
    return new JsonCanonicalException("lone-surrogate", Finding.NO_OFFSET,
        String.format("string has a lone surrogate U+%04X at char %d, which UTF-8 cannot encode", (int) c, i));
  }

  static JsonCanonicalException tooDeep(int maxDepth) {
    return new JsonCanonicalException("too-deep", Finding.NO_OFFSET,
        "value nests deeper than the limit of " + maxDepth + " containers (a cycle?)");
  }

  /**
   * Writes {@code b[from..from+n)} as a JSON string when every byte is ASCII, escaped as {@link #string} escapes
   * the same chars; otherwise writes nothing and returns false.
   */
  boolean asciiString(byte[] b, int from, int n) {
    ByteSink sink = out;
    if (sink.len + n * 6L + 8 > sink.buf.length) {
      sink.ensure(n * 6L + 8);
    }
    byte[] o = sink.buf;
    int p = sink.len;
    o[p++] = '"';
    byte[] esc = byteEscapes;
    for (int i = from, to = from + n; i < to; i++) {
      byte c = b[i];
      byte e = esc[c & 0xFF];
      if (e == 0) {
        o[p++] = c;
      } else if (e == NOT_ASCII) {
        return false; // out.len not moved: nothing written
      } else {
        o[p++] = '\\';
        if (e == 'u') {
          p = hex4(o, p, (char) c);
        } else {
          o[p++] = e;
        }
      }
    }
    o[p++] = '"';
    sink.len = p;
    return true;
  }

  /** A short string with ensure_ascii: charAt beats copying the chars out first. */
  private void shortAscii(String s, int n) {
    out.ensure(n * 6L + 8);
    byte[] b = out.buf;
    int p = out.len;
    b[p++] = '"';
    byte[] esc = escapes;
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      if (c < 0x80) {
        byte e = esc[c];
        if (e == 0) {
          b[p++] = (byte) c;
          continue;
        }
        b[p++] = '\\';
        if (e != 'u') {
          b[p++] = e;
          continue;
        }
      } else {
        b[p++] = '\\';
      }
      p = hex4(b, p, c);
    }
    b[p++] = '"';
    out.len = p;
  }

  private static int hex4(byte[] b, int p, char c) {
    b[p++] = 'u';
    b[p++] = HEX[(c >> 12) & 0xf];
    b[p++] = HEX[(c >> 8) & 0xf];
    b[p++] = HEX[(c >> 4) & 0xf];
    b[p++] = HEX[c & 0xf];
    return p;
  }
}
