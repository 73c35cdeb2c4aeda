package dev.cachecompat.pickle;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.OffsetTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The typed JSON notation of {@code encoder/typed_value.py}, in Java: nodes to Java values (as PickleEncoder
 * maps them), and builders of nodes for tests.
 */
final class EncoderTypedValues {
  static final ObjectMapper JSON = new ObjectMapper();
  static final JsonNode NULL_NODE = com.fasterxml.jackson.databind.node.NullNode.getInstance();
  private static final JsonNodeFactory F = JsonNodeFactory.instance;

  private EncoderTypedValues() {}

  /** The Java value of a node; def/ref become shared Java objects. */
  static Object toJava(JsonNode node) {
    return toJava(node, new HashMap<>());
  }

  private static Object toJava(JsonNode node, Map<String, Object> defs) {
    if (node.isNull()) {
      return null;
    }
    if (node.isBoolean()) {
      return node.booleanValue();
    }
    String t = node.get("t").asText();
    JsonNode v = node.get("v");
    int repeat = node.has("n") ? node.get("n").intValue() : 1;
    switch (t) {
      case "int":
        return toInt(new BigInteger(v.asText()), node.has("j") ? node.get("j").asText() : "");
      case "float": {
        double d = parseFloat(v.asText());
        return node.has("j") && node.get("j").asText().equals("float32") ? (Object) (float) d : (Object) d;
      }
      case "str":
        return v.asText().repeat(repeat);
      case "bytes":
        return repeat(hex(v.asText()), repeat);
      case "bytearray":
        return PyByteArray.copyOf(repeat(hex(v.asText()), repeat));
      case "list": {
        List<Object> l = new ArrayList<>();
        v.forEach(x -> l.add(toJava(x, defs)));
        return l;
      }
      case "tuple": {
        List<Object> l = new ArrayList<>();
        v.forEach(x -> l.add(toJava(x, defs)));
        return PyTuple.copyOf(l);
      }
      case "set": {
        LinkedHashSet<Object> s = new LinkedHashSet<>();
        v.forEach(x -> s.add(toJava(x, defs)));
        return s;
      }
      case "frozenset": {
        List<Object> l = new ArrayList<>();
        v.forEach(x -> l.add(toJava(x, defs)));
        return PyFrozenSet.copyOf(l);
      }
      case "dict": {
        Map<Object, Object> m = new LinkedHashMap<>();
        v.forEach(e -> m.put(toJava(e.get(0), defs), toJava(e.get(1), defs)));
        return m;
      }
      case "complex":
        return new PyComplex(parseFloat(v.get(0).asText()), parseFloat(v.get(1).asText()));
      case "decimal":
        return decimal(v.asText());
      case "datetime": {
        LocalDateTime local = LocalDateTime.of(v.get(0).intValue(), v.get(1).intValue(), v.get(2).intValue(),
            v.get(3).intValue(), v.get(4).intValue(), v.get(5).intValue(), v.get(6).intValue() * 1000);
        return node.has("tz") ? OffsetDateTime.of(local, zone(node.get("tz").intValue(), defs)) : local;
      }
      case "date":
        return LocalDate.of(v.get(0).intValue(), v.get(1).intValue(), v.get(2).intValue());
      case "time": {
        LocalTime local =
            LocalTime.of(v.get(0).intValue(), v.get(1).intValue(), v.get(2).intValue(), v.get(3).intValue() * 1000);
        return node.has("tz") ? OffsetTime.of(local, zone(node.get("tz").intValue(), defs)) : local;
      }
      case "timezone":
        return zone(v.intValue(), defs);
      case "global":
        return new PyObject(v.asText(), List.of(), null);
      case "timedelta":
        return Duration.ofDays(v.get(0).longValue()).plusSeconds(v.get(1).longValue())
            .plusNanos(v.get(2).longValue() * 1000);
      case "uuid": {
        String h = v.asText();
        return new UUID(Long.parseUnsignedLong(h.substring(0, 16), 16), Long.parseUnsignedLong(h.substring(16), 16));
      }
      case "object": {
        List<Object> args = new ArrayList<>();
        node.get("args").forEach(x -> args.add(toJava(x, defs)));
        JsonNode state = node.get("state");
        return new PyObject(node.get("cls").asText(), args, state == null ? null : toJava(state, defs));
      }
      case "def": {
        String id = node.get("id").asText();
        String kind = v.get("t").asText();
        if (kind.equals("list")) {
          List<Object> l = new ArrayList<>();
          defs.put(id, l);
          v.get("v").forEach(x -> l.add(toJava(x, defs)));
          return l;
        }
        if (kind.equals("dict")) {
          Map<Object, Object> m = new LinkedHashMap<>();
          defs.put(id, m);
          v.get("v").forEach(e -> m.put(toJava(e.get(0), defs), toJava(e.get(1), defs)));
          return m;
        }
        Object o = toJava(v, defs);
        defs.put(id, o);
        return o;
      }
      case "ref":
        return defs.get(v.asText());
      case "tuplecycle": {
        List<Object> l = new ArrayList<>();
        PyTuple c = PyTuple.of(l);
        l.add(c);
        return c;
      }
      default:
        throw new IllegalArgumentException("unknown node type " + t);
    }
  }

  /** One ZoneOffset per offset within a value, as typed_value.py shares one timezone per offset. */
  private static ZoneOffset zone(int seconds, Map<String, Object> defs) {
    return (ZoneOffset) defs.computeIfAbsent("\0tz" + seconds, k -> ZoneOffset.ofTotalSeconds(seconds));
  }

  /** As the decoder maps str(Decimal): PyDecimal for NaN, sNaN, infinities and negative zero, else BigDecimal. */
  static Object decimal(String text) {
    if (text.matches("[+-]?(Infinity|s?NaN\\d*)")) {
      return new PyDecimal(text);
    }
    BigDecimal d = new BigDecimal(text);
    return d.signum() == 0 && text.startsWith("-") ? new PyDecimal(text) : d;
  }

  private static Object toInt(BigInteger b, String hint) {
    switch (hint) {
      case "byte":
        return b.byteValueExact();
      case "short":
        return b.shortValueExact();
      case "biginteger":
        return b;
      case "long":
        return b.longValueExact();
      default:
        if (b.bitLength() < 32) {
          return b.intValue();
        }
        return b.bitLength() < 64 ? (Object) b.longValue() : b;
    }
  }

  static double parseFloat(String s) {
    switch (s) {
      case "inf":
        return Double.POSITIVE_INFINITY;
      case "-inf":
        return Double.NEGATIVE_INFINITY;
      case "nan":
        return Double.NaN;
      default:
        return Double.parseDouble(s);
    }
  }

  static String floatText(double d) {
    if (Double.isNaN(d)) {
      return "nan";
    }
    if (Double.isInfinite(d)) {
      return d > 0 ? "inf" : "-inf";
    }
    return Double.toHexString(d);
  }

  static byte[] hex(String s) {
    byte[] b = new byte[s.length() / 2];
    for (int i = 0; i < b.length; i++) {
      b[i] = (byte) Integer.parseInt(s.substring(2 * i, 2 * i + 2), 16);
    }
    return b;
  }

  static String hex(byte[] b) {
    StringBuilder s = new StringBuilder(b.length * 2);
    for (byte x : b) {
      s.append(Character.forDigit((x >> 4) & 0xf, 16)).append(Character.forDigit(x & 0xf, 16));
    }
    return s.toString();
  }

  private static byte[] repeat(byte[] b, int n) {
    byte[] out = new byte[b.length * n];
    for (int i = 0; i < n; i++) {
      System.arraycopy(b, 0, out, i * b.length, b.length);
    }
    return out;
  }

  // ---------------------------------------------------------------- node builders

  static ObjectNode node(String t, Object v) {
    ObjectNode n = F.objectNode();
    n.put("t", t);
    if (v instanceof JsonNode) {
      n.set("v", (JsonNode) v);
    } else if (v != null) {
      n.put("v", v.toString());
    }
    return n;
  }

  static ObjectNode integer(Object n) {
    return node("int", n);
  }

  static ObjectNode integer(Object n, String javaType) {
    ObjectNode o = node("int", n);
    o.put("j", javaType);
    return o;
  }

  static ObjectNode flt(double d) {
    return node("float", floatText(d));
  }

  static ObjectNode str(String s) {
    return node("str", s);
  }

  static ObjectNode bytes(byte[] b) {
    return node("bytes", hex(b));
  }

  static ObjectNode seq(String t, JsonNode... items) {
    ArrayNode a = F.arrayNode();
    for (JsonNode i : items) {
      a.add(i);
    }
    return node(t, a);
  }

  static ObjectNode seq(String t, List<? extends JsonNode> items) {
    ArrayNode a = F.arrayNode();
    items.forEach(a::add);
    return node(t, a);
  }

  static ObjectNode dict(List<? extends JsonNode> keys, List<? extends JsonNode> values) {
    ArrayNode a = F.arrayNode();
    for (int i = 0; i < keys.size(); i++) {
      a.add(F.arrayNode().add(keys.get(i)).add(values.get(i)));
    }
    return node("dict", a);
  }

  static ObjectNode ints(String t, int... values) {
    ArrayNode a = F.arrayNode();
    for (int v : values) {
      a.add(integer(v));
    }
    return node(t, a);
  }

  static ArrayNode array(Object... items) {
    ArrayNode a = F.arrayNode();
    for (Object o : items) {
      if (o instanceof JsonNode) {
        a.add((JsonNode) o);
      } else if (o instanceof Integer) {
        a.add((Integer) o);
      } else if (o instanceof Long) {
        a.add((Long) o);
      } else {
        a.add(o.toString());
      }
    }
    return a;
  }

  static ObjectNode def(String id, JsonNode v) {
    ObjectNode n = node("def", v);
    n.put("id", id);
    return n;
  }

  static ObjectNode ref(String id) {
    return node("ref", id);
  }
}
