package dev.cachecompat.pickle;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cachecompat.core.Checks;
import dev.cachecompat.core.Finding;
import dev.cachecompat.core.Limits;
import dev.cachecompat.core.Verdict;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.util.ArrayDeque;
import java.util.Base64;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * The pickle JSON view: a lossless, readable JSON tree of a value {@link PickleDecoder} produced, the same tree
 * the golden-vector generator computes in Python from the value that was pickled. The mapping is documented in
 * {@code docs/pickle-json-view.md}; in short, JSON-native values stay native, and every other Python type is an
 * object with a single {@code $}-key ({@code {"$bytes":"AP8="}}, {@code {"$tuple":[1,2]}}, ...).
 *
 * <p>The tree is built with an explicit stack, never recursion, so depth costs heap, not Java stack. A container
 * that contains itself is rendered as {@code {"$cycle":n}}, n being how many levels up the repeated container
 * is (1 = the immediate parent). Shared, non-cyclic references are rendered in full at every occurrence, up to
 * a node budget.
 *
 * <p>Stateless and thread-safe.
 */
public final class PickleJsonView {
  private static final JsonNodeFactory F = JsonNodeFactory.instance;

  private PickleJsonView() {}

  /**
   * The view of a decoded value, with the default node budget ({@link Limits#maxExpandedSize()} of
   * {@link Limits#defaults()}).
   *
   * @param decodedValue a value as {@link PickleDecoder} returns it; may be null (Python None)
   * @return the JSON tree, never null (a {@code NullNode} for None)
   * @throws PickleException (verdict over-limit, code {@code view-too-large}) if the view would exceed the budget,
   *     e.g. a small pickle sharing one list many times
   * @throws IllegalArgumentException if the value holds a Java type the decoder never produces
   */
  public static JsonNode toJson(Object decodedValue) {
    return toJson(decodedValue, Limits.defaults().maxExpandedSize());
  }

  /**
   * The view of a decoded value, with a node budget.
   *
   * @param decodedValue a value as {@link PickleDecoder} returns it; may be null (Python None)
   * @param maxNodes the most values (containers and scalars) the view may hold; positive
   * @return the JSON tree, never null
   * @throws PickleException (verdict over-limit, code {@code view-too-large}) if the view would exceed maxNodes
   * @throws IllegalArgumentException if maxNodes is not positive, or the value holds a Java type the decoder
   *     never produces
   */
  public static JsonNode toJson(Object decodedValue, long maxNodes) {
    Checks.requireArgument(maxNodes > 0, "maximum nodes must be positive: %s", maxNodes);
    return new Builder(maxNodes).build(decodedValue);
  }

  /** One container being filled: the children still to convert and where their nodes go. */
  private static final class Task {
    final Object identity; // the Python container, or null for a [key, value] pair of a $dict
    final Iterator<?> children;
    final ArrayNode array; // exactly one of array and object is set
    final ObjectNode object;
    final Iterator<? extends Map.Entry<?, ?>> entries;

    Task(Object identity, Iterator<?> children, ArrayNode array) {
      this.identity = identity;
      this.children = children;
      this.array = array;
      this.object = null;
      this.entries = null;
    }

    Task(Object identity, Iterator<? extends Map.Entry<?, ?>> entries, ObjectNode object) {
      this.identity = identity;
      this.children = null;
      this.array = null;
      this.object = object;
      this.entries = entries;
    }
  }

  private static final class Builder {
    private final long maxNodes;
    private long nodes;
    private final Deque<Task> stack = new ArrayDeque<>();
    private final IdentityHashMap<Object, Integer> onPath = new IdentityHashMap<>();

    Builder(long maxNodes) {
      this.maxNodes = maxNodes;
    }

    JsonNode build(Object root) {
      JsonNode result = node(root);
      while (!stack.isEmpty()) {
        Task top = stack.peek();
        if (top.array != null) {
          if (top.children.hasNext()) {
            top.array.add(node(top.children.next()));
            continue;
          }
        } else if (top.entries.hasNext()) {
          Map.Entry<?, ?> e = top.entries.next();
          top.object.set((String) e.getKey(), node(e.getValue()));
          continue;
        }
        stack.pop();
        if (top.identity != null) {
          onPath.remove(top.identity);
        }
      }
      return result;
    }

    /** The node for one value; for a container an empty node, filled later from the task it pushes. */
    private JsonNode node(Object v) {
      if (++nodes > maxNodes) {
        throw new PickleException(Verdict.OVER_LIMIT, "view-too-large", Finding.NO_OFFSET,
            "the JSON view would hold more than " + maxNodes + " values (shared references are expanded)");
      }
      if (v == null) {
        return F.nullNode();
      }
      if (v instanceof Boolean b) {
        return F.booleanNode(b);
      }
      if (v instanceof Long || v instanceof Integer || v instanceof Short || v instanceof Byte) {
        return F.numberNode(((Number) v).longValue());
      }
      if (v instanceof BigInteger i) {
        return F.numberNode(i);
      }
      if (v instanceof Double || v instanceof Float) {
        return floatNode(((Number) v).doubleValue());
      }
      if (v instanceof String s) {
        return F.textNode(s);
      }
      if (v instanceof byte[] bytes) {
        return tagged("$bytes", F.textNode(Base64.getEncoder().encodeToString(bytes)));
      }
      if (v instanceof PyByteArray ba) {
        return tagged("$bytearray", F.textNode(Base64.getEncoder().encodeToString(ba.toByteArray())));
      }
      Integer seenAt = onPath.get(v);
      if (seenAt != null) {
        return tagged("$cycle", F.numberNode(stack.size() - seenAt + 1));
      }
      if (v instanceof List<?> list) {
        return push(v, list.iterator(), F.arrayNode(list.size()));
      }
      if (v instanceof PyTuple t) {
        ArrayNode items = F.arrayNode(t.size());
        push(v, t.items().iterator(), items);
        return tagged("$tuple", items);
      }
      if (v instanceof Map<?, ?> map) {
        return dict(map);
      }
      if (v instanceof PyFrozenSet fs) {
        ArrayNode items = F.arrayNode(fs.items().size());
        push(v, fs.items().iterator(), items);
        return tagged("$frozenset", items);
      }
      if (v instanceof Set<?> set) {
        ArrayNode items = F.arrayNode(set.size());
        push(v, set.iterator(), items);
        return tagged("$set", items);
      }
      if (v instanceof PyComplex c) {
        return tagged("$complex", F.arrayNode(2).add(floatNode(c.real())).add(floatNode(c.imag())));
      }
      if (v instanceof BigDecimal d) {
        return tagged("$decimal", F.textNode(d.toString()));
      }
      if (v instanceof PyDecimal d) {
        return tagged("$decimal", F.textNode(d.text()));
      }
      if (v instanceof LocalDateTime dt) {
        return tagged("$datetime", F.textNode(isoDate(dt.toLocalDate()) + "T" + isoTime(dt.toLocalTime())));
      }
      if (v instanceof java.time.OffsetDateTime dt) {
        return tagged("$datetime", F.textNode(isoDate(dt.toLocalDate()) + "T" + isoTime(dt.toLocalTime())
            + isoOffset(dt.getOffset())));
      }
      if (v instanceof java.time.OffsetTime t) {
        return tagged("$time", F.textNode(isoTime(t.toLocalTime()) + isoOffset(t.getOffset())));
      }
      if (v instanceof java.time.ZoneOffset z) {
        return tagged("$timezone", F.textNode(isoOffset(z)));
      }
      if (v instanceof LocalDate d) {
        return tagged("$date", F.textNode(isoDate(d)));
      }
      if (v instanceof LocalTime t) {
        return tagged("$time", F.textNode(isoTime(t)));
      }
      if (v instanceof Duration d) {
        long days = Math.floorDiv(d.getSeconds(), 86_400L);
        long seconds = Math.floorMod(d.getSeconds(), 86_400L);
        return tagged("$timedelta",
            F.arrayNode(3).add(days).add(seconds).add(d.getNano() / 1_000));
      }
      if (v instanceof UUID u) {
        return tagged("$uuid", F.textNode(u.toString()));
      }
      if (v instanceof PyObject o) {
        ObjectNode node = F.objectNode();
        node.put("$object", o.qualifiedName());
        List<Map.Entry<String, Object>> fields = List.of(
            new java.util.AbstractMap.SimpleImmutableEntry<>("args", o.args()),
            new java.util.AbstractMap.SimpleImmutableEntry<>("state", o.state()));
        stack.push(new Task(o, fields.iterator(), node));
        onPath.put(o, stack.size());
        return node;
      }
      throw new IllegalArgumentException("no pickle JSON view for Java type " + v.getClass().getName());
    }

    private JsonNode dict(Map<?, ?> map) {
      boolean plain = true;
      for (Object k : map.keySet()) {
        if (!(k instanceof String s) || s.startsWith("$")) {
          plain = false;
          break;
        }
      }
      if (plain) {
        ObjectNode obj = F.objectNode();
        stack.push(new Task(map, map.entrySet().iterator(), obj));
        onPath.put(map, stack.size());
        return obj;
      }
      ArrayNode pairs = F.arrayNode(map.size());
      Iterator<? extends Map.Entry<?, ?>> entries = map.entrySet().iterator();
      // every pair is itself a two-element array filled from [key, value]
      Iterator<List<Object>> pairIterator = new Iterator<>() {
        @Override
        public boolean hasNext() {
          return entries.hasNext();
        }

        @Override
        public List<Object> next() {
          Map.Entry<?, ?> e = entries.next();
          return new PairList(e.getKey(), e.getValue());
        }
      };
      push(map, pairIterator, pairs);
      return tagged("$dict", pairs);
    }

    private JsonNode push(Object identity, Iterator<?> children, ArrayNode target) {
      stack.push(new Task(identity, children, target));
      onPath.put(identity, stack.size());
      return target;
    }
  }

  /** A [key, value] pair of a {@code $dict}: a list only the view builder sees, never cyclic by itself. */
  private static final class PairList extends java.util.AbstractList<Object> {
    private final Object key;
    private final Object value;

    PairList(Object key, Object value) {
      this.key = key;
      this.value = value;
    }

    @Override
    public Object get(int index) {
      return index == 0 ? key : value;
    }

    @Override
    public int size() {
      return 2;
    }
  }

  private static JsonNode floatNode(double d) {
    if (Double.isNaN(d)) {
      return tagged("$float", F.textNode("nan"));
    }
    if (Double.isInfinite(d)) {
      return tagged("$float", F.textNode(d > 0 ? "inf" : "-inf"));
    }
    return F.numberNode(d);
  }

  private static ObjectNode tagged(String tag, JsonNode value) {
    ObjectNode node = F.objectNode();
    node.set(tag, value);
    return node;
  }

  private static String isoDate(LocalDate d) {
    StringBuilder b = new StringBuilder(10);
    pad(b, d.getYear(), 4).append('-');
    pad(b, d.getMonthValue(), 2).append('-');
    return pad(b, d.getDayOfMonth(), 2).toString();
  }

  /** Python's utcoffset format: +HH:MM, with :SS when there are seconds. */
  private static String isoOffset(java.time.ZoneOffset z) {
    int total = z.getTotalSeconds();
    int abs = Math.abs(total);
    StringBuilder b = new StringBuilder(9).append(total < 0 ? '-' : '+');
    pad(b, abs / 3600, 2).append(':');
    pad(b, abs / 60 % 60, 2);
    if (abs % 60 != 0) {
      pad(b.append(':'), abs % 60, 2);
    }
    return b.toString();
  }

  private static String isoTime(LocalTime t) {
    StringBuilder b = new StringBuilder(15);
    pad(b, t.getHour(), 2).append(':');
    pad(b, t.getMinute(), 2).append(':');
    pad(b, t.getSecond(), 2);
    int micros = t.getNano() / 1_000;
    if (micros != 0) {
      pad(b.append('.'), micros, 6);
    }
    return b.toString();
  }

  /** Appends {@code value} (not negative) zero-padded to {@code width} digits, as %0Nd does; hot in views. */
  private static StringBuilder pad(StringBuilder b, int value, int width) {
    String digits = Integer.toString(value);
    for (int i = digits.length(); i < width; i++) {
      b.append('0');
    }
    return b.append(digits);
  }
}
