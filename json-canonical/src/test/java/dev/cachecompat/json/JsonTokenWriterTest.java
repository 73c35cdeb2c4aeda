package dev.cachecompat.json;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cachecompat.core.Limits;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Tokens written one at a time give what the whole-value writer gives, in every style, with its errors. */
class JsonTokenWriterTest {
  private static final List<CanonicalJson> STYLES = List.of(CanonicalJson.python(),
      CanonicalJson.python().toBuilder().compact(true).build(),
      CanonicalJson.python().toBuilder().ensureAscii(false).build(), CanonicalJson.rfc8785());

  /** Writes a map with the keys in the writer's order, as a caller of the token writer must. */
  private static void write(JsonTokenWriter w, Object v) {
    if (v == null) {
      w.nullValue();
    } else if (v instanceof Boolean b) {
      w.value(b.booleanValue());
    } else if (v instanceof Long l) {
      w.value(l.longValue());
    } else if (v instanceof BigInteger i) {
      w.value(i);
    } else if (v instanceof Double d) {
      w.value(d.doubleValue());
    } else if (v instanceof String s) {
      w.value(s);
    } else if (v instanceof List<?> list) {
      w.beginArray();
      for (int i = 0; i < list.size(); i++) {
        if (i > 0) {
          w.itemSeparator();
        }
        write(w, list.get(i));
      }
      w.endArray();
    } else {
      Map<?, ?> m = (Map<?, ?>) v;
      List<String> keys = new ArrayList<>();
      m.keySet().forEach(k -> keys.add((String) k));
      keys.sort(w::compareKeys);
      w.beginObject();
      for (int i = 0; i < keys.size(); i++) {
        if (i > 0) {
          w.itemSeparator();
        }
        w.value(keys.get(i));
        w.keySeparator();
        write(w, m.get(keys.get(i)));
      }
      w.endObject();
    }
  }

  private static Object sample() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("\uffff", 1L);
    m.put("\ud83d\ude00", List.of(1.5, -0.0, 1e17, 5e-324, Long.MIN_VALUE, new BigInteger("123456789012345678901")));
    m.put("b", Arrays.asList(null, true, false, "q\"\\\n\u0001\u007f\u00e9\u2028"));
    m.put("a", Map.of());
    m.put("", List.of());
    return m;
  }

  @Test
  void tokensGiveTheBytesOfTheWholeValueWriterInEveryStyle() throws IOException {
    for (CanonicalJson style : STYLES) {
      JsonTokenWriter w = style.tokenWriter();
      for (int round = 0; round < 2; round++) { // the second time after reset()
        w.reset();
        write(w, sample());
        String expected = new String(style.writeBytes(sample()), UTF_8);
        assertEquals(expected, new String(w.toBytes(), UTF_8), style.toString());
        assertEquals(style.writeBytes(sample()).length, w.size());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        w.writeTo(out);
        assertEquals(expected, out.toString(UTF_8));
      }
    }
  }

  @Test
  void keysCompareByCodePointInPythonAndByUtf16UnitInRfc8785() {
    assertTrue(CanonicalJson.python().tokenWriter().compareKeys("\uffff", "\ud83d\ude00") < 0);
    assertTrue(CanonicalJson.rfc8785().tokenWriter().compareKeys("\uffff", "\ud83d\ude00") > 0);
    assertEquals(0, CanonicalJson.python().tokenWriter().compareKeys("a", "a"));
  }

  @Test
  void nestingBeyondTheLimitIsTooDeepAsForWholeValues() {
    CanonicalJson style = CanonicalJson.python().toBuilder().limits(Limits.builder().maxDepth(3).build()).build();
    JsonTokenWriter w = style.tokenWriter();
    w.beginArray();
    w.beginObject();
    w.value("k");
    w.keySeparator();
    w.beginArray();
    JsonCanonicalException e = assertThrows(JsonCanonicalException.class, w::beginArray);
    JsonCanonicalException whole = assertThrows(JsonCanonicalException.class,
        () -> style.writeBytes(List.of(Map.of("k", List.of(List.of())))));
    assertEquals("too-deep", e.code());
    assertEquals(whole.getMessage(), e.getMessage());
    assertEquals("value nests deeper than the limit of 3 containers (a cycle?)", e.getMessage());
    w.reset();
    w.beginArray();
    w.beginArray();
    w.beginArray();
    w.endArray();
    w.endArray();
    w.endArray();
    assertEquals("[[[]]]", new String(w.toBytes(), UTF_8));
  }

  @Test
  void writesVerbatimFragmentsAsGivenAndChecksTheRange() {
    JsonTokenWriter w = CanonicalJson.python().tokenWriter();
    w.beginObject();
    byte[] fragment = "x\"$tag\":\"2020-01-01\"x".getBytes(UTF_8);
    w.verbatim(fragment, 1, fragment.length - 2);
    w.endObject();
    assertEquals("{\"$tag\":\"2020-01-01\"}", new String(w.toBytes(), UTF_8));
    assertThrows(IndexOutOfBoundsException.class, () -> w.verbatim(fragment, 2, fragment.length - 1));
    assertThrows(IndexOutOfBoundsException.class, () -> w.verbatim(fragment, -1, 1));
    assertThrows(NullPointerException.class, () -> w.verbatim(null, 0, 0));
    JsonCanonicalException e = assertThrows(JsonCanonicalException.class, () -> CanonicalJson.python().toBuilder()
        .limits(Limits.builder().maxPayloadBytes(10).build()).build().tokenWriter().verbatim(new byte[5_000], 0, 5_000));
    assertEquals("too-large", e.code());
  }

  @Test
  void outputBeyondTheCapIsTooLarge() {
    CanonicalJson style = CanonicalJson.python().toBuilder().limits(Limits.builder().maxPayloadBytes(10).build())
        .build();
    JsonTokenWriter w = style.tokenWriter();
    JsonCanonicalException e = assertThrows(JsonCanonicalException.class, () -> w.value("x".repeat(5_000)));
    assertEquals("too-large", e.code());
    assertEquals("output would exceed the limit of 4176 bytes (8 times Limits.maxPayloadBytes, plus 4 KiB)",
        e.getMessage());
  }

  @Test
  void refusesWhatTheStyleCannotWrite() {
    JsonTokenWriter raw = CanonicalJson.python().toBuilder().ensureAscii(false).build().tokenWriter();
    JsonCanonicalException lone = assertThrows(JsonCanonicalException.class, () -> raw.value("ab\ud800"));
    assertEquals("lone-surrogate", lone.code());
    assertEquals("string has a lone surrogate U+D800 at char 2, which UTF-8 cannot encode", lone.getMessage());
    JsonCanonicalException nan = assertThrows(JsonCanonicalException.class,
        () -> CanonicalJson.rfc8785().tokenWriter().value(Double.NaN));
    assertEquals("non-finite-number", nan.code());
    JsonTokenWriter py = CanonicalJson.python().tokenWriter();
    py.value(Double.NEGATIVE_INFINITY);
    py.value("\ud800");
    assertEquals("-Infinity\"\\ud800\"", new String(py.toBytes(), UTF_8));
    assertThrows(NullPointerException.class, () -> py.value((String) null));
  }
}
