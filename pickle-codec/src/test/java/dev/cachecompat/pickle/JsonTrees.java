package dev.cachecompat.pickle;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Iterator;
import java.util.Map;

/** Compares JSON trees strictly: integral vs integral by value, floating vs floating by Double.compare. */
final class JsonTrees {
  private JsonTrees() {}

  /** Null when equal, else where and how they differ. */
  static String diff(JsonNode expected, JsonNode actual) {
    return diff(expected, actual, "$");
  }

  private static String diff(JsonNode e, JsonNode a, String path) {
    if (e.isIntegralNumber()) {
      if (!a.isIntegralNumber() || !e.bigIntegerValue().equals(a.bigIntegerValue())) {
        return path + ": expected integer " + e + " but got " + describe(a);
      }
      return null;
    }
    if (e.isFloatingPointNumber()) {
      if (!a.isFloatingPointNumber() || Double.compare(e.doubleValue(), a.doubleValue()) != 0) {
        return path + ": expected float " + e + " but got " + describe(a);
      }
      return null;
    }
    if (e.isTextual() || e.isBoolean() || e.isNull()) {
      return e.equals(a) ? null : path + ": expected " + abbreviate(e.toString()) + " but got " + describe(a);
    }
    if (e.isArray()) {
      if (!a.isArray() || a.size() != e.size()) {
        return path + ": expected array of " + e.size() + " but got " + describe(a);
      }
      for (int i = 0; i < e.size(); i++) {
        String d = diff(e.get(i), a.get(i), path + "[" + i + "]");
        if (d != null) {
          return d;
        }
      }
      return null;
    }
    if (e.isObject()) {
      if (!a.isObject() || a.size() != e.size()) {
        return path + ": expected object of " + e.size() + " fields but got " + describe(a);
      }
      Iterator<Map.Entry<String, JsonNode>> ei = e.properties().iterator();
      Iterator<Map.Entry<String, JsonNode>> ai = a.properties().iterator();
      while (ei.hasNext()) {
        Map.Entry<String, JsonNode> ef = ei.next();
        Map.Entry<String, JsonNode> af = ai.next();
        if (!ef.getKey().equals(af.getKey())) {
          return path + ": expected field '" + ef.getKey() + "' but got '" + af.getKey() + "' (order matters)";
        }
        String d = diff(ef.getValue(), af.getValue(), path + "." + ef.getKey());
        if (d != null) {
          return d;
        }
      }
      return null;
    }
    throw new IllegalArgumentException("unexpected JSON node " + e.getNodeType());
  }

  private static String describe(JsonNode n) {
    return n.getNodeType() + " " + abbreviate(n.toString());
  }

  private static String abbreviate(String s) {
    return s.length() <= 120 ? s : s.substring(0, 120) + "...";
  }
}
