package dev.cachecompat.pickle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cachecompat.core.PythonVersion;
import dev.cachecompat.core.Verdict;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The encoder writes every value the decoder produces: each golden pickle (CPython 2.7 and 3.6-3.13), decoded
 * under the BYTES policy, re-encoded at protocols 0-5, decoded again, has the same JSON view. The one refusal on
 * purpose: a value holding a datetime.timezone at protocols 0-2 with fix-imports (those pickles are for Python
 * 2.7, which has no datetime.timezone); it must fail with the documented exception, and the Python-3-only
 * spelling ({@code fixImports(false)}) of the same protocol must then round-trip instead.
 */
class GoldenRoundTripTest {
  private static final PickleDecoder DECODER = PickleDecoder.defaults();

  /** A view holding a datetime.timezone: a timezone, or an aware datetime or time (its text ends in an offset). */
  private static final Pattern AWARE =
      Pattern.compile("\"\\$timezone\"|\"\\$(datetime|time)\":\"[^\"]*[+-]\\d\\d:\\d\\d(:\\d\\d)?\"");

  @TestFactory
  Stream<DynamicNode> everyGoldenValueSurvivesEncodeAndDecodeAtEveryProtocol() {
    return GoldenVectorsTest.INTERPRETERS.stream().map(python -> DynamicContainer.dynamicContainer(python,
        GoldenVectorsTest.vectors(python).stream().map(v -> DynamicTest.dynamicTest(v.toString(), () -> check(v)))));
  }

  private static void check(GoldenVectorsTest.Vector v) {
    Object value = DECODER.decode(v.bytes());
    JsonNode view = PickleJsonView.toJson(value);
    boolean aware = AWARE.matcher(view.toString()).find();
    for (int p = 0; p <= PickleEncoder.HIGHEST_PROTOCOL; p++) {
      PickleEncoder encoder = PickleEncoder.protocol(p);
      byte[] pickle;
      try {
        pickle = encoder.encode(value);
        assertTrue(!aware || p >= 3, v + ": protocol " + p + " wrote a datetime.timezone that Python 2.7 cannot load");
      } catch (PickleException e) {
        if (!aware || p >= 3) {
          throw e;
        }
        assertTimezoneRefusal(e, p);
        encoder = encoder.toBuilder().fixImports(false).build();
        pickle = encoder.encode(value);
      }
      JsonNode again = PickleJsonView.toJson(DECODER.decode(pickle));
      String diff = JsonTrees.diff(view, again);
      if (diff != null) {
        fail(v + " re-encoded by " + encoder + ": " + diff);
      }
    }
  }

  private static void assertTimezoneRefusal(PickleException e, int p) {
    assertEquals("unsupported-value", e.code());
    assertEquals(Verdict.VALID, e.verdict());
    assertTrue(e.getMessage().contains("Python 2.7 has no datetime.timezone, and protocol " + p
        + " with fixImports is for Python 2.7 readers; use protocol 3 or later, or fixImports(false) for Python 3"
        + " readers only"), e.getMessage());
  }

  /** The refusals above are not vacuous: the golden set holds aware values from every Python 3. */
  @Test
  void goldenSetHoldsTimezoneValuesTheEncoderRefusesForPython27() {
    List<String> aware = new ArrayList<>();
    for (String python : GoldenVectorsTest.INTERPRETERS) {
      for (GoldenVectorsTest.Vector v : GoldenVectorsTest.vectors(python)) {
        Object value = DECODER.decode(v.bytes());
        if (AWARE.matcher(PickleJsonView.toJson(value).toString()).find()) {
          aware.add(v.toString());
          PickleException e =
              assertThrows(PickleException.class, () -> PickleEncoder.forReaders(PythonVersion.PY2_7).encode(value));
          assertTimezoneRefusal(e, 2);
        }
      }
    }
    // datetime-utc, datetime-offset-micros, time-negative-offset and timezone, at each protocol, in 3.6-3.13
    assertTrue(aware.size() >= 8 * 4 * 5, aware.size() + " aware vectors: " + aware);
    assertTrue(aware.stream().noneMatch(s -> s.startsWith("2.7/")), "Python 2.7 has no datetime.timezone: " + aware);
    assertTrue(aware.contains("3.13/timezone-p5.pickle") && aware.contains("3.6/time-negative-offset-p0.pickle"),
        "missing: " + aware);
  }
}
