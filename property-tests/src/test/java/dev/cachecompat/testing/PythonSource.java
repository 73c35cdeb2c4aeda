package dev.cachecompat.testing;

import dev.cachecompat.pickle.PyByteArray;
import dev.cachecompat.pickle.PyComplex;
import dev.cachecompat.pickle.PyFrozenSet;
import dev.cachecompat.pickle.PyTuple;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Renders a generated value as Python source (ASCII only) that builds the same value in {@code expected},
 * independently of the encoder: the Python-side oracle of the CPython properties. Every list, dict, set and
 * bytearray gets its own variable, so shared references are shared in Python too.
 */
final class PythonSource {
  private final boolean py2;
  private final StringBuilder statements = new StringBuilder();
  private final Map<Object, String> names = new IdentityHashMap<>();

  private PythonSource(boolean py2) {
    this.py2 = py2;
  }

  static String render(Object value, boolean py2) {
    PythonSource s = new PythonSource(py2);
    String expr = s.expr(value);
    return s.statements + "expected = " + expr + "\n";
  }

  private String expr(Object v) {
    if (v == null) {
      return "None";
    }
    if (v instanceof Boolean) {
      return (Boolean) v ? "True" : "False";
    }
    if (v instanceof Long || v instanceof Integer || v instanceof BigInteger) {
      return "(" + v + ")";
    }
    if (v instanceof Double) {
      return floatExpr((Double) v);
    }
    if (v instanceof String) {
      return (py2 ? "u" : "") + quote((String) v);
    }
    if (v instanceof byte[]) {
      return bytesLiteral((byte[]) v);
    }
    if (v instanceof PyComplex) {
      PyComplex c = (PyComplex) v;
      return "complex(" + floatExpr(c.real()) + ", " + floatExpr(c.imag()) + ")";
    }
    if (v instanceof PyTuple) {
      List<Object> items = ((PyTuple) v).items();
      List<String> parts = exprs(items);
      return "(" + String.join(", ", parts) + (parts.size() == 1 ? ",)" : ")");
    }
    if (v instanceof PyFrozenSet) {
      return "frozenset([" + String.join(", ", exprs(((PyFrozenSet) v).items())) + "])";
    }
    String known = names.get(v);
    if (known != null) {
      return known;
    }
    String expr;
    if (v instanceof PyByteArray) {
      expr = "bytearray(" + bytesLiteral(((PyByteArray) v).toByteArray()) + ")";
    } else if (v instanceof List) {
      expr = "[" + String.join(", ", exprs((List<?>) v)) + "]";
    } else if (v instanceof Set) {
      expr = "set([" + String.join(", ", exprs((Set<?>) v)) + "])";
    } else if (v instanceof Map) {
      List<String> parts = new ArrayList<>();
      for (Map.Entry<?, ?> e : ((Map<?, ?>) v).entrySet()) {
        parts.add(expr(e.getKey()) + ": " + expr(e.getValue()));
      }
      expr = "{" + String.join(", ", parts) + "}";
    } else {
      throw new IllegalArgumentException("no Python source for " + v.getClass().getName());
    }
    String name = "v" + names.size();
    names.put(v, name);
    statements.append(name).append(" = ").append(expr).append('\n');
    return name;
  }

  private List<String> exprs(Iterable<?> items) {
    List<String> parts = new ArrayList<>();
    for (Object o : items) {
      parts.add(expr(o));
    }
    return parts;
  }

  private static String floatExpr(double d) {
    if (Double.isNaN(d)) {
      return "float('nan')";
    }
    if (Double.isInfinite(d)) {
      return d > 0 ? "float('inf')" : "float('-inf')";
    }
    return "float.fromhex('" + Double.toHexString(d) + "')";
  }

  private String bytesLiteral(byte[] b) {
    StringBuilder sb = new StringBuilder(py2 ? "'" : "b'");
    for (byte x : b) {
      sb.append(String.format("\\x%02x", x & 0xff));
    }
    return sb.append('\'').toString();
  }

  private static String quote(String s) {
    StringBuilder sb = new StringBuilder("'");
    for (int i = 0; i < s.length(); ) {
      int cp = s.codePointAt(i);
      i += Character.charCount(cp);
      if (cp >= 0x20 && cp < 0x7f && cp != '\\' && cp != '\'') {
        sb.append((char) cp);
      } else if (cp < 0x100) {
        sb.append(String.format("\\x%02x", cp));
      } else if (cp < 0x10000) {
        sb.append(String.format("\\u%04x", cp));
      } else {
        sb.append(String.format("\\U%08x", cp));
      }
    }
    return sb.append('\'').toString();
  }
}
