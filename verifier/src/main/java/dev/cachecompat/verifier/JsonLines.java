package dev.cachecompat.verifier;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.util.RawValue;
import dev.cachecompat.core.Finding;
import dev.cachecompat.json.CanonicalJson;
import java.io.PrintStream;
import java.util.List;

/** Builds and prints the one-JSON-object-per-line output of the commands. */
final class JsonLines {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  /** Values are written as Python's json.dumps(sort_keys=True, separators=(',', ':')) would write them. */
  static final CanonicalJson VALUES = CanonicalJson.python().toBuilder().compact(true).build();

  private JsonLines() {}

  static ObjectNode object() {
    return NODES.objectNode();
  }

  static ArrayNode findings(List<Finding> findings) {
    ArrayNode a = NODES.arrayNode();
    for (Finding f : findings) {
      a.add(finding(f.code(), f.severity().label(), f.offset(), f.message()));
    }
    return a;
  }

  static ArrayNode findingsOf(ObjectNode... findings) {
    ArrayNode a = NODES.arrayNode();
    for (ObjectNode f : findings) {
      a.add(f);
    }
    return a;
  }

  static ObjectNode finding(String code, String severity, long offset, String message) {
    ObjectNode o = NODES.objectNode();
    o.put("code", code);
    if (severity != null) {
      o.put("severity", severity);
    }
    if (offset >= 0) {
      o.put("offset", offset);
    } else {
      o.putNull("offset");
    }
    o.put("message", message);
    return o;
  }

  /** A JSON value rendered in Python's form (floats as repr, keys sorted), to embed in a line. */
  static RawValue raw(JsonNode value) {
    return new RawValue(VALUES.writeString(value));
  }

  /** A JSON value in Python's form, as {@link #raw} renders it, as UTF-8. */
  static byte[] valueBytes(JsonNode value) {
    return VALUES.writeBytes(value);
  }

  static ArrayNode strings(List<String> values) {
    ArrayNode a = NODES.arrayNode();
    values.forEach(a::add);
    return a;
  }

  /** Prints one line and flushes, so a consumer sees each result as it is made. */
  static void print(PrintStream out, JsonNode line) {
    try {
      out.println(MAPPER.writeValueAsString(line));
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException("cannot write a JSON line", e);
    }
    out.flush();
  }
}
