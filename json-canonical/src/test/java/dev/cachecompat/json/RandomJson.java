package dev.cachecompat.json;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Seeded random JSON values (Java maps, lists, strings, BigIntegers, doubles, booleans, null) chosen to hit
 * every difference between Python's and Jackson's JSON: keys that order differently by code point and by
 * UTF-16 unit, {@code e\u0301} and {@code \u00e9}, controls, DEL, U+2028, non-BMP, lone surrogates, big
 * integers, doubles of every binary exponent including subnormals, NaN and infinities; and a "noisy" writer
 * that spells the same value in non-canonical but valid JSON (random whitespace, escapes, key order, number
 * forms, duplicate keys whose last occurrence wins).
 */
final class RandomJson {
  private static final String[] KEYS = {
    "a", "b", "aa", "A", "", "\u00e9", "e\u0301", "\uff5e", "\ud83d\ude00", "\ue000", "\uffff", "\u2028",
    "1", "10", "2", "\u007f", "\t", "\"", "\\", "/", "\ud800\udc00", "\udbff\udfff", "z\u0000"
  };
  private static final String[] SPECIALS = {
    "\u2028", "\u2029", "\u00e9", "e\u0301", "\uff5e", "\uffff", "\ue000", "\ud83d\ude00", "\u007f", "\u0080",
    "\u009f", "/", "\"", "\\", "\b", "\f", "\n", "\r", "\t", "\u0000", "\u001f", "\u00ff", "\u0100"
  };

  private final Random r;
  private final boolean loneSurrogates;
  private final boolean nonFinite;

  RandomJson(long seed, boolean loneSurrogates, boolean nonFinite) {
    this.r = new Random(seed);
    this.loneSurrogates = loneSurrogates;
    this.nonFinite = nonFinite;
  }

  Object value(int depth) {
    int kind = r.nextInt(depth >= 4 ? 6 : 9);
    switch (kind) {
      case 0:
        return null;
      case 1:
        return r.nextBoolean();
      case 2:
        return integer();
      case 3:
      case 4:
        return dbl();
      case 5:
        return string(r.nextInt(12));
      case 6:
      case 7: {
        Map<String, Object> m = new LinkedHashMap<>();
        int n = r.nextInt(7);
        for (int i = 0; i < n; i++) {
          m.put(key(), value(depth + 1));
        }
        return m;
      }
      default: {
        List<Object> l = new ArrayList<>();
        int n = r.nextInt(6);
        for (int i = 0; i < n; i++) {
          l.add(value(depth + 1));
        }
        return l;
      }
    }
  }

  BigInteger integer() {
    switch (r.nextInt(4)) {
      case 0:
        return BigInteger.valueOf(r.nextInt(21) - 10);
      case 1:
        return BigInteger.valueOf(r.nextLong());
      case 2:
        return new BigInteger(64 + r.nextInt(4), r).subtract(BigInteger.ONE.shiftLeft(63));
      default:
        BigInteger b = new BigInteger(1 + r.nextInt(1200), r);
        return r.nextBoolean() ? b : b.negate();
    }
  }

  double dbl() {
    switch (r.nextInt(8)) {
      case 0:
        if (nonFinite) {
          int s = r.nextInt(3);
          return s == 0 ? Double.NaN : s == 1 ? Double.POSITIVE_INFINITY : Double.NEGATIVE_INFINITY;
        }
        return r.nextBoolean() ? 0.0 : -0.0;
      case 1:
        return (r.nextBoolean() ? 1 : -1) * Double.longBitsToDouble(1 + r.nextInt(5000)); // tiny subnormals
      case 2:
        return (double) (r.nextLong() >> r.nextInt(63));
      case 3:
        return (r.nextInt(2_000_001) - 1_000_000) * Math.pow(10, r.nextInt(60) - 30);
      case 4:
        return Math.pow(10, r.nextInt(630) - 323);
      default: {
        long exp = r.nextInt(2047); // every binary exponent, 0 = subnormal
        long bits = (r.nextBoolean() ? Long.MIN_VALUE : 0) | (exp << 52) | (r.nextLong() & 0xfffffffffffffL);
        return Double.longBitsToDouble(bits);
      }
    }
  }

  String key() {
    if (r.nextInt(3) > 0) {
      String k = KEYS[r.nextInt(KEYS.length)];
      return r.nextInt(4) == 0 ? k + KEYS[r.nextInt(KEYS.length)] : k;
    }
    if (loneSurrogates && r.nextInt(8) == 0) {
      return r.nextBoolean() ? "\ud800" : "x\udfff";
    }
    return string(1 + r.nextInt(4));
  }

  String string(int len) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < len; i++) {
      int pick = r.nextInt(10);
      if (pick < 4) {
        sb.append((char) (0x20 + r.nextInt(0x5f)));
      } else if (pick < 6) {
        sb.append(SPECIALS[r.nextInt(SPECIALS.length)]);
      } else if (pick == 6) {
        sb.append((char) r.nextInt(0x20));
      } else if (pick == 7) {
        char c = (char) (0x80 + r.nextInt(0xd800 - 0x80));
        sb.append(c);
      } else if (pick == 8) {
        sb.appendCodePoint(0x10000 + r.nextInt(0x100000));
      } else if (loneSurrogates) {
        sb.append((char) (0xd800 + r.nextInt(0x800)));
      } else {
        sb.append((char) (0xe000 + r.nextInt(0x2000)));
      }
    }
    return sb.toString();
  }

  /** Spells {@code v} as valid, usually non-canonical JSON that Python reads back as the same value. */
  byte[] noisy(Object v) {
    StringBuilder sb = new StringBuilder();
    noisy(v, sb);
    ws(sb);
    return sb.toString().getBytes(StandardCharsets.UTF_8);
  }

  private void ws(StringBuilder sb) {
    if (r.nextInt(4) == 0) {
      int n = 1 + r.nextInt(3);
      for (int i = 0; i < n; i++) {
        sb.append(" \t\n\r".charAt(r.nextInt(4)));
      }
    }
  }

  private void noisy(Object v, StringBuilder sb) {
    ws(sb);
    if (v == null) {
      sb.append("null");
    } else if (v instanceof Boolean) {
      sb.append(v);
    } else if (v instanceof BigInteger) {
      sb.append(((BigInteger) v).signum() == 0 && r.nextBoolean() ? "-0" : v.toString());
    } else if (v instanceof Double) {
      sb.append(noisyDouble((Double) v));
    } else if (v instanceof String) {
      noisyString((String) v, sb);
    } else if (v instanceof Map) {
      sb.append('{');
      List<Map.Entry<?, ?>> entries = new ArrayList<>(((Map<?, ?>) v).entrySet());
      java.util.Collections.shuffle(entries, r);
      boolean first = true;
      for (Map.Entry<?, ?> e : entries) {
        if (r.nextInt(8) == 0) { // an earlier duplicate that the real entry overrides
          first = member(sb, first, (String) e.getKey(), r.nextInt(3) == 0 ? null : "dup");
        }
        first = member(sb, first, (String) e.getKey(), e.getValue());
      }
      ws(sb);
      sb.append('}');
    } else {
      sb.append('[');
      boolean first = true;
      for (Object o : (List<?>) v) {
        if (!first) {
          ws(sb);
          sb.append(',');
        }
        first = false;
        noisy(o, sb);
      }
      ws(sb);
      sb.append(']');
    }
  }

  private boolean member(StringBuilder sb, boolean first, String key, Object value) {
    if (!first) {
      ws(sb);
      sb.append(',');
    }
    ws(sb);
    noisyString(key, sb);
    ws(sb);
    sb.append(':');
    noisy(value, sb);
    return false;
  }

  private String noisyDouble(double d) {
    if (Double.isNaN(d)) {
      return "NaN";
    }
    if (Double.isInfinite(d)) {
      return d > 0 ? "Infinity" : "-Infinity";
    }
    String s;
    switch (r.nextInt(3)) {
      case 0:
        s = Double.toString(d);
        break;
      case 1:
        s = (Double.doubleToRawLongBits(d) < 0 && d == 0 ? "-" : "") + new BigDecimal(d).toString();
        break;
      default:
        s = new BigDecimal(d).toString().replace('E', 'e');
        if (d == 0 && Double.doubleToRawLongBits(d) < 0) {
          s = "-" + s;
        }
        break;
    }
    if (s.indexOf('.') < 0 && s.indexOf('e') < 0 && s.indexOf('E') < 0) {
      s = s + (r.nextBoolean() ? ".0" : "e0");
    }
    return s;
  }

  private void noisyString(String s, StringBuilder sb) {
    sb.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      boolean pair = Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1));
      boolean lone = Character.isSurrogate(c) && !pair;
      if (c == '"' || c == '\\' || c < 0x20 || lone || r.nextInt(5) == 0) {
        String shortForm = c == '"' ? "\\\"" : c == '\\' ? "\\\\" : c == '\b' ? "\\b" : c == '\f' ? "\\f"
            : c == '\n' ? "\\n" : c == '\r' ? "\\r" : c == '\t' ? "\\t" : c == '/' ? "\\/" : null;
        if (shortForm != null && r.nextBoolean()) {
          sb.append(shortForm);
        } else {
          String hex = String.format("\\u%04x", (int) c);
          sb.append(r.nextBoolean() ? hex : hex.toUpperCase(java.util.Locale.ROOT).replace("\\U", "\\u"));
        }
      } else {
        sb.append(c);
        if (pair) {
          sb.append(s.charAt(++i));
        }
      }
    }
    sb.append('"');
  }
}
