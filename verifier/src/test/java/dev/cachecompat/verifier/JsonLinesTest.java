package dev.cachecompat.verifier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.util.RawValue;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** JsonLines writes each tree exactly as Jackson's ObjectMapper writes it, without one. */
class JsonLinesTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  @Test
  void writesEveryKindOfNodeAsObjectMapperDoes() throws Exception {
    ObjectNode line = NODES.objectNode();
    line.put("text", "quote \" backslash \\ tab \t newline \n nul \u0000 del \u007f é 😀 \u2028");
    line.put("int", Integer.MIN_VALUE);
    line.put("long", Long.MAX_VALUE);
    line.put("short", (short) -7);
    line.put("big", new BigInteger("123456789012345678901234567890"));
    line.put("decimal", new BigDecimal("1.50E+3"));
    line.put("double", 0.1);
    line.put("tiny", 4.9e-324);
    line.put("huge", 1e300);
    line.put("negative zero", -0.0);
    line.put("nan", Double.NaN);
    line.put("infinity", Double.NEGATIVE_INFINITY);
    line.put("float", 3.25f);
    line.put("true", true);
    line.put("false", false);
    line.putNull("null");
    line.put("binary", new byte[] {0, 1, 2, (byte) 0xff});
    line.putRawValue("raw", new RawValue("{\"a\": [1, 2.5]}"));
    line.putObject("empty object");
    line.putArray("empty array");
    ArrayNode nested = line.putArray("nested");
    nested.addObject().putArray("inner").add(1).add("two").addNull();
    nested.add(NODES.missingNode());
    line.put("", "empty key");
    line.put("key \"with\" quotes\n", 1);

    assertEquals(MAPPER.writeValueAsString(line), JsonLines.text(line));
  }

  @Test
  void writesRandomTreesAsObjectMapperDoes() throws Exception {
    Random random = new Random(20261122);
    for (int i = 0; i < 3_000; i++) {
      JsonNode tree = randomNode(random, 0);
      assertEquals(MAPPER.writeValueAsString(tree), JsonLines.text(tree), () -> "tree " + tree);
    }
  }

  @Test
  void refusesAPojoThatIsNotRawText() {
    ObjectNode line = NODES.objectNode();
    line.putPOJO("pojo", new StringBuilder("x"));
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> JsonLines.text(line));
    assertEquals("JSON lines hold no POJO but raw text, not x", e.getMessage());
  }

  private static JsonNode randomNode(Random random, int depth) {
    int kind = random.nextInt(depth >= 4 ? 6 : 8);
    switch (kind) {
      case 0:
        return NODES.textNode(randomText(random));
      case 1:
        return NODES.numberNode(random.nextLong() >> random.nextInt(64));
      case 2:
        return NODES.numberNode(Double.longBitsToDouble(random.nextLong()));
      case 3:
        return NODES.booleanNode(random.nextBoolean());
      case 4:
        return random.nextBoolean() ? NODES.nullNode() : NODES.numberNode(random.nextInt());
      case 5:
        return NODES.rawValueNode(new RawValue("[" + random.nextInt(1000) + "]"));
      case 6: {
        ObjectNode o = NODES.objectNode();
        int n = random.nextInt(5);
        for (int i = 0; i < n; i++) {
          o.set(randomText(random), randomNode(random, depth + 1));
        }
        return o;
      }
      default: {
        ArrayNode a = NODES.arrayNode();
        int n = random.nextInt(5);
        for (int i = 0; i < n; i++) {
          a.add(randomNode(random, depth + 1));
        }
        return a;
      }
    }
  }

  private static String randomText(Random random) {
    StringBuilder b = new StringBuilder();
    int n = random.nextInt(8);
    for (int i = 0; i < n; i++) {
      switch (random.nextInt(4)) {
        case 0 -> b.append((char) random.nextInt(0x20));
        case 1 -> b.append((char) (0x20 + random.nextInt(0x60)));
        case 2 -> b.append((char) random.nextInt(0x10000));
        default -> b.appendCodePoint(0x10000 + random.nextInt(0x100000));
      }
    }
    return b.toString();
  }
}
