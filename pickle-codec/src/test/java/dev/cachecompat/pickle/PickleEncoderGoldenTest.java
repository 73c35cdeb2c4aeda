package dev.cachecompat.pickle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Byte equality with CPython's own {@code pickle.dumps(v, p)}, pinned by {@code scripts/gen-encoder-expectations.py}
 * under Python 2.7, 3.6, 3.8 and 3.13. The encoder mimics 3.13, which 3.8 agrees with on every case here, so
 * every case must match both byte for byte. Python 2.7 and 3.6 write some values differently; each difference
 * must be explained by one of the rules below, and each rule must explain at least one (so none goes stale).
 * Whether those interpreters load our spelling is PickleEncoderIT's business.
 */
class PickleEncoderGoldenTest {
  private static final List<String> VERSIONS = List.of("2.7", "3.6", "3.8", "3.13");

  /** One case/protocol whose bytes differ from an older CPython's. */
  private record Diff(String version, String name, int protocol, String notation, byte[] ours) {}

  private static final Map<String, Predicate<Diff>> EXPLAINED = new LinkedHashMap<>();

  static {
    EXPLAINED.put("3.6 writes every int as LONG text (L1L) at protocol 0 (a timezone's timedelta too)",
        d -> d.version.equals("3.6") && d.protocol == 0 && has(d, "\"t\":\"(int|timedelta|uuid|timezone)\"|\"tz\""));
    EXPLAINED.put("3.6 frames pickles of fewer than 4 bytes of body (3.8+ leaves them unframed)",
        d -> d.version.equals("3.6") && d.protocol == 4 && (d.ours[2] & 0xff) != 0x95);
    EXPLAINED.put("3.6 escapes only backslash and newline in UNICODE (3.8+ also \\r, \\0, \\x1a)",
        d -> d.protocol == 0 && has(d, "str_controls|bytes_all|many_bytes|\"t\":\"(time|date|datetime)\""));
    EXPLAINED.put("3.6 pickles bytearray through its __reduce_ex__: bytearray(u'..', 'latin-1')",
        d -> d.version.equals("3.6") && has(d, "bytearray"));
    EXPLAINED.put("3.6 puts payloads of 64 KiB or more inside frames (3.8+ writes them unframed)",
        d -> d.version.equals("3.6") && d.protocol >= 4 && d.name.matches(".*_large.*"));
    EXPLAINED.put("Python 2 byte strings (bytes, datetime state, Decimal's str) are STRING/BINSTRING",
        d -> d.version.equals("2.7") && has(d, "\"t\":\"(bytes|bytearray|decimal|date|time|datetime)\""));
    EXPLAINED.put("Python 2 ints of 33 to 64 bits are INT text even in binary protocols",
        d -> d.version.equals("2.7") && d.name.matches("int_m?(2147483648|2147483649|922337203685477580[78])"));
    EXPLAINED.put("Python 2's float('nan') has the sign bit set",
        d -> d.version.equals("2.7") && d.name.equals("float_nan"));
    EXPLAINED.put("Python 2 cPickle batches without an empty trailing batch and APPENDs a lone last item",
        d -> d.version.equals("2.7") && d.name.matches("(list|dict)_(1000|1001|2000)"));
    EXPLAINED.put("Python 2 dicts iterate in hash order", d -> d.version.equals("2.7") && d.name.equals("dict_strs"));
    EXPLAINED.put("Python 2 UUIDs hold a long, written as LONG", d -> d.version.equals("2.7") && has(d, "uuid"));
  }

  private static boolean has(Diff d, String regex) {
    return Pattern.compile(regex).matcher(d.name + " " + d.notation).find();
  }

  @Test
  void matchesCpythonByteForByte() throws IOException {
    JsonNode cases = EncoderTypedValues.JSON.readTree(resource("encoder/cases.json"));
    List<String> strict = new ArrayList<>();
    List<Diff> older = new ArrayList<>();
    Map<String, Integer> compared = new TreeMap<>();
    List<String> refusals = new ArrayList<>();
    for (JsonNode c : cases) {
      String name = c.get("name").asText();
      Object value = EncoderTypedValues.toJava(c.get("value"));
      for (int p = 0; p <= 5; p++) {
        byte[] ours = encodeOrExplainRefusal(value, p, refusals);
        for (String version : VERSIONS) {
          byte[] expected = resourceOrNull("encoder/" + version + "/" + name + "-p" + p + ".pickle");
          if (expected == null) {
            continue;
          }
          compared.merge(version, 1, Integer::sum);
          if (Arrays.equals(expected, ours)) {
            continue;
          }
          if (version.equals("3.8") || version.equals("3.13")) {
            strict.add(version + " " + name + "-p" + p + "\n  cpython " + show(expected) + "\n  ours    " + show(ours));
          } else {
            older.add(new Diff(version, name, p, c.get("value").toString(), ours));
          }
        }
      }
    }
    assertEquals(156, cases.size());
    // 15 values with a datetime.timezone, at protocols 0-2
    assertEquals(45, refusals.size(), () -> String.join("\n", refusals));
    assertTrue(compared.get("3.13") >= 740 && compared.get("3.8") >= 740 && compared.get("2.7") >= 360,
        "compared " + compared);
    assertEquals("", String.join("\n", strict.subList(0, Math.min(20, strict.size()))),
        strict.size() + " differences from CPython 3.8/3.13 (of " + compared + ")");

    List<String> unexplained = new ArrayList<>();
    Map<String, Integer> explained = new LinkedHashMap<>();
    EXPLAINED.keySet().forEach(k -> explained.put(k, 0));
    for (Diff d : older) {
      boolean any = false;
      for (Map.Entry<String, Predicate<Diff>> rule : EXPLAINED.entrySet()) {
        if (rule.getValue().test(d)) {
          explained.merge(rule.getKey(), 1, Integer::sum);
          any = true;
        }
      }
      if (!any) {
        unexplained.add(d.version + " " + d.name + "-p" + d.protocol);
      }
    }
    assertEquals(List.of(), unexplained, "differences from CPython 2.7/3.6 that no known rule explains");
    explained.forEach((rule, n) -> assertTrue(n > 0, "stale rule: " + rule));
  }

  /**
   * {@code protocol(p)}'s pickle; where it refuses a value because Python 2.7 has no datetime.timezone (protocols
   * 0-2 with fix-imports promise 2.7 readers), the refusal is checked and CPython 3's own bytes, which only
   * Python 3 loads, must then come from {@code fixImports(false)}.
   */
  private static byte[] encodeOrExplainRefusal(Object value, int p, List<String> refusals) {
    PickleEncoder encoder = PickleEncoder.protocol(p);
    try {
      return encoder.encode(value);
    } catch (PickleException e) {
      assertTrue(p <= 2, () -> "protocol " + p + " refused: " + e.getMessage());
      assertEquals("unsupported-value", e.code());
      assertTrue(e.getMessage().contains("Python 2.7 has no datetime.timezone"), e.getMessage());
      refusals.add(p + " " + e.getMessage());
      return encoder.toBuilder().fixImports(false).build().encode(value);
    }
  }

  static String show(byte[] b) {
    StringBuilder s = new StringBuilder();
    for (int i = 0; i < Math.min(b.length, 160); i++) {
      int x = b[i] & 0xff;
      if (x >= 0x20 && x < 0x7f && x != '\\') {
        s.append((char) x);
      } else {
        s.append("\\x").append(Character.forDigit(x >> 4, 16)).append(Character.forDigit(x & 0xf, 16));
      }
    }
    return s.append(b.length > 160 ? "...(" + b.length + " bytes)" : "").toString();
  }

  static InputStream resource(String path) {
    InputStream in = PickleEncoderGoldenTest.class.getClassLoader().getResourceAsStream(path);
    if (in == null) {
      throw new UncheckedIOException(new IOException("missing test resource " + path));
    }
    return in;
  }

  static byte[] resourceOrNull(String path) throws IOException {
    try (InputStream in = PickleEncoderGoldenTest.class.getClassLoader().getResourceAsStream(path)) {
      return in == null ? null : in.readAllBytes();
    }
  }
}
