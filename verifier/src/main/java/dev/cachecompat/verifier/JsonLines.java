package dev.cachecompat.verifier;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.util.RawValue;
import dev.cachecompat.core.Finding;
import dev.cachecompat.json.CanonicalJson;
import java.io.IOException;
import java.io.PrintStream;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;

/**
 * Builds and prints the one-JSON-object-per-line output of the commands. Lines are written by jackson-core's
 * generator, as an {@code ObjectMapper} would write the same tree, without an {@code ObjectMapper}: its setup
 * alone cost every command-line run tens of milliseconds (docs/performance.md).
 */
final class JsonLines {
  private static final JsonFactory FACTORY = new JsonFactory();
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
    out.println(text(line));
    out.flush();
  }

  /** The tree as one line of JSON, as {@code new ObjectMapper().writeValueAsString(tree)} writes it. */
  static String text(JsonNode tree) {
    StringWriter w = new StringWriter();
    try (JsonGenerator g = FACTORY.createGenerator(w)) {
      write(g, tree);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write a JSON line", e); // a StringWriter does not fail
    }
    return w.toString();
  }

  private static void write(JsonGenerator g, JsonNode n) throws IOException {
    switch (n.getNodeType()) {
      case OBJECT -> {
        g.writeStartObject();
        for (Map.Entry<String, JsonNode> e : n.properties()) {
          g.writeFieldName(e.getKey());
          write(g, e.getValue());
        }
        g.writeEndObject();
      }
      case ARRAY -> {
        g.writeStartArray();
        for (JsonNode e : n) {
          write(g, e);
        }
        g.writeEndArray();
      }
      case STRING -> g.writeString(n.textValue());
      case BOOLEAN -> g.writeBoolean(n.booleanValue());
      case NULL, MISSING -> g.writeNull();
      case BINARY -> g.writeBinary(n.binaryValue());
      case NUMBER -> {
        switch (n.numberType()) {
          case INT -> g.writeNumber(n.intValue());
          case LONG -> g.writeNumber(n.longValue());
          case BIG_INTEGER -> g.writeNumber(n.bigIntegerValue());
          case FLOAT -> g.writeNumber(n.floatValue());
          case DOUBLE -> g.writeNumber(n.doubleValue());
          case BIG_DECIMAL -> g.writeNumber(n.decimalValue());
        }
      }
      case POJO -> {
        Object pojo = ((com.fasterxml.jackson.databind.node.POJONode) n).getPojo();
        if (!(pojo instanceof RawValue raw && raw.rawValue() instanceof String text)) {
          throw new IllegalStateException("JSON lines hold no POJO but raw text, not " + pojo);
        }
        g.writeRawValue(text);
      }
    }
  }
}
