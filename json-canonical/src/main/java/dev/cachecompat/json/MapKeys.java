package dev.cachecompat.json;

import dev.cachecompat.core.Finding;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Keys of Java maps that are not all strings, handled as Python 3's {@code json.dumps(sort_keys=True)} does:
 * it sorts the keys themselves ({@code sorted(d.items())}) and only then turns them into strings, so
 * {@code {2: .., 10: ..}} gives {@code {"2": .., "10": ..}}; numbers and booleans sort together numerically
 * ({@code False < 0.5 < True}); a lone {@code None} key becomes {@code "null"}; keys Python 3 cannot compare
 * (a string with a number, {@code None} with anything) are a {@code TypeError} there and an
 * {@code unsortable-keys} error here. RFC 8785 only has string keys.
 */
final class MapKeys {
  private MapKeys() {}

  /** Sorts and converts; returns the number of entries written into keys and vals. */
  static int sortAndConvert(
      Map<?, ?> m, String[] keys, Object[] vals, boolean python, DoubleFormat df, boolean allowNonFinite) {
    int n = 0;
    int strings = 0;
    int numbers = 0;
    int nulls = 0;
    Object[] raw = new Object[keys.length];
    for (Map.Entry<?, ?> e : m.entrySet()) {
      if (n == keys.length) {
        break;
      }
      Object k = e.getKey();
      if (k instanceof CharSequence || k instanceof Character) {
        strings++;
      } else if (!python) {
        throw new JsonCanonicalException("unsupported-type", Finding.NO_OFFSET,
            "RFC 8785 object keys must be strings, not " + typeName(k) + " " + k);
      } else if (k == null) {
        nulls++;
      } else if (isNumeric(k)) {
        numbers++;
      } else {
        throw new JsonCanonicalException("unsupported-type", Finding.NO_OFFSET,
            "keys must be str, int, float, bool or None, not " + typeName(k));
      }
      raw[n] = k;
      vals[n++] = e.getValue();
    }
    if (strings == n) {
      for (int i = 0; i < n; i++) {
        keys[i] = raw[i].toString();
      }
      KeyOrder.sort(keys, vals, n, python ? KeyOrder.CODE_POINT : KeyOrder.UTF16);
      return n;
    }
    if (nulls == 1 && n == 1) {
      keys[0] = "null";
      return 1;
    }
    if (numbers != n) {
      throw new JsonCanonicalException("unsortable-keys", Finding.NO_OFFSET,
          "Python 3 cannot sort keys of mixed types ("
              + (strings > 0 ? strings + " string, " : "") + (numbers > 0 ? numbers + " number, " : "")
              + (nulls > 0 ? nulls + " None, " : "") + "TypeError); Python 2 would");
    }
    sortNumeric(raw, vals, n);
    ByteSink scratch = new ByteSink(32);
    for (int i = 0; i < n; i++) {
      Object k = raw[i];
      if (i > 0 && compareNumeric(raw[i - 1], k) == 0) {
        throw new JsonCanonicalException("duplicate-key", Finding.NO_OFFSET,
            "keys " + raw[i - 1] + " and " + k + " are equal in Python and would be one dict key");
      }
      if (k instanceof Boolean) {
        keys[i] = (Boolean) k ? "true" : "false";
      } else if (k instanceof Double || k instanceof Float || k instanceof BigDecimal) {
        double d = ((Number) k).doubleValue();
        if (Double.isNaN(d) || Double.isInfinite(d)) {
          if (!allowNonFinite) {
            throw new JsonCanonicalException("non-finite-number", Finding.NO_OFFSET,
                "float key " + d + " is not allowed in strict Python style (allow_nan=False)");
          }
          keys[i] = Double.isNaN(d) ? "NaN" : d > 0 ? "Infinity" : "-Infinity";
        } else {
          scratch.len = 0;
          df.writePython(d, scratch);
          keys[i] = scratch.asString();
        }
      } else {
        keys[i] = k.toString();
      }
    }
    return n;
  }

  private static boolean isNumeric(Object k) {
    return k instanceof Boolean || k instanceof Integer || k instanceof Long || k instanceof Short
        || k instanceof Byte || k instanceof BigInteger || k instanceof Double || k instanceof Float
        || k instanceof BigDecimal || k instanceof AtomicInteger || k instanceof AtomicLong;
  }

  private static String typeName(Object k) {
    return k == null ? "null" : k.getClass().getName();
  }

  private static void sortNumeric(Object[] raw, Object[] vals, int n) {
    for (int i = 0; i < n; i++) {
      if (raw[i] instanceof Number) {
        double d = ((Number) raw[i]).doubleValue();
        if (Double.isNaN(d) && n > 1) {
          throw new JsonCanonicalException("unsortable-keys", Finding.NO_OFFSET,
              "a NaN key cannot be sorted among other keys (Python's order would be arbitrary)");
        }
      }
    }
    for (int i = 1; i < n; i++) {
      Object k = raw[i];
      Object v = vals[i];
      int j = i - 1;
      while (j >= 0 && compareNumeric(raw[j], k) > 0) {
        raw[j + 1] = raw[j];
        vals[j + 1] = vals[j];
        j--;
      }
      raw[j + 1] = k;
      vals[j + 1] = v;
    }
  }

  /** Compares as Python compares int, float and bool: exactly, with infinities at the ends. */
  private static int compareNumeric(Object a, Object b) {
    double da = asDouble(a);
    double db = asDouble(b);
    if (Double.isInfinite(da) || Double.isInfinite(db)) {
      return Double.compare(da, db) == 0 ? 0 : da < db ? -1 : da > db ? 1 : 0;
    }
    return exact(a).compareTo(exact(b));
  }

  private static double asDouble(Object k) {
    if (k instanceof Boolean) {
      return (Boolean) k ? 1 : 0;
    }
    if (k instanceof BigInteger) {
      return 0;
    }
    return ((Number) k).doubleValue();
  }

  private static BigDecimal exact(Object k) {
    if (k instanceof Boolean) {
      return (Boolean) k ? BigDecimal.ONE : BigDecimal.ZERO;
    }
    if (k instanceof BigInteger) {
      return new BigDecimal((BigInteger) k);
    }
    if (k instanceof Double || k instanceof Float || k instanceof BigDecimal) {
      return new BigDecimal(((Number) k).doubleValue());
    }
    return BigDecimal.valueOf(((Number) k).longValue());
  }
}
