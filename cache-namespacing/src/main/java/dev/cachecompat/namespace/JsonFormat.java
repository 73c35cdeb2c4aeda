package dev.cachecompat.namespace;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cachecompat.core.CacheCompatException;
import dev.cachecompat.json.CanonicalJson;
import dev.cachecompat.pickle.PyByteArray;
import dev.cachecompat.pickle.PyFrozenSet;
import dev.cachecompat.pickle.PyTuple;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Canonical JSON through json-canonical: {@code json.dumps(v, sort_keys=True)} bytes on the way out, Python's
 * {@code json.loads} on the way in (limits applied by the parser), as plain Java values: {@link LinkedHashMap},
 * {@link ArrayList}, String, Long or BigInteger, Double, Boolean, null.
 */
final class JsonFormat implements ObjectFormat {
  private final CanonicalJson json;
  private final int maxDepth;

  JsonFormat(ValueOptions options) {
    this.json = CanonicalJson.python().toBuilder().limits(options.limits()).build();
    this.maxDepth = options.limits().maxDepth();
  }

  @Override
  public byte[] encode(Namespace ns, Object value) {
    try {
      return json.writeBytes(pythonJson(ns, value, 0));
    } catch (NamespaceException e) {
      throw e;
    } catch (CacheCompatException e) {
      throw new NamespaceException("unencodable-value", "cannot write a " + value.getClass().getName()
          + " as canonical JSON for namespace " + ns.name() + ": " + e.getMessage(), e);
    }
  }

  @Override
  public Object decode(Namespace source, byte[] payload) {
    JsonNode tree;
    try {
      tree = json.parse(payload);
    } catch (CacheCompatException e) {
      throw new NamespaceException("bad-json", e.offset(), "not JSON (" + e.code() + "): " + e.getMessage(), e);
    }
    return toJava(tree);
  }

  /**
   * What Python's {@code json.dumps} accepts, in the shapes json-canonical writes: a tuple is written as a list
   * (as Python does); bytes, bytearray, sets and other objects are refused (Python raises TypeError for them).
   */
  private Object pythonJson(Namespace ns, Object v, int depth) {
    if (depth > maxDepth) {
      throw new NamespaceException("unencodable-value", "value nests deeper than " + maxDepth
          + " levels; cannot write it as JSON for namespace " + ns.name());
    }
    if (v instanceof PyTuple) {
      return pythonJson(ns, ((PyTuple) v).items(), depth);
    }
    if (v instanceof List) {
      List<Object> out = new ArrayList<>(((List<?>) v).size());
      for (Object e : (List<?>) v) {
        out.add(pythonJson(ns, e, depth + 1));
      }
      return out;
    }
    if (v instanceof Map) {
      Map<Object, Object> out = new LinkedHashMap<>();
      for (Map.Entry<?, ?> e : ((Map<?, ?>) v).entrySet()) {
        out.put(e.getKey(), pythonJson(ns, e.getValue(), depth + 1));
      }
      return out;
    }
    if (v == null || v instanceof String || v instanceof Boolean || v instanceof Number) {
      return v;
    }
    String type = v instanceof byte[] ? "bytes" : v instanceof PyByteArray ? "bytearray"
        : v instanceof java.util.Set || v instanceof PyFrozenSet ? "set" : v.getClass().getName();
    throw new NamespaceException("unencodable-value", "a " + type + " is not JSON serializable (Python's"
        + " json.dumps refuses it too); namespace " + ns.name() + " stores JSON");
  }

  /** Depth is bounded by the parser's maxDepth limit, so the recursion is too. */
  static Object toJava(JsonNode n) {
    if (n.isObject()) {
      Map<String, Object> m = new LinkedHashMap<>();
      Iterator<Map.Entry<String, JsonNode>> it = n.properties().iterator();
      while (it.hasNext()) {
        Map.Entry<String, JsonNode> e = it.next();
        m.put(e.getKey(), toJava(e.getValue()));
      }
      return m;
    }
    if (n.isArray()) {
      List<Object> l = new ArrayList<>(n.size());
      for (JsonNode c : n) {
        l.add(toJava(c));
      }
      return l;
    }
    if (n.isTextual()) {
      return n.textValue();
    }
    if (n.isIntegralNumber()) {
      return n.canConvertToLong() ? (Object) n.longValue() : n.bigIntegerValue();
    }
    if (n.isNumber()) {
      return n.doubleValue();
    }
    if (n.isBoolean()) {
      return n.booleanValue();
    }
    return null;
  }
}
