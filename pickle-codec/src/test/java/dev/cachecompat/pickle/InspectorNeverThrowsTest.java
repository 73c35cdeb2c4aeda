package dev.cachecompat.pickle;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cachecompat.core.Limits;
import dev.cachecompat.core.Severity;
import dev.cachecompat.core.Verdict;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Hostile bytes never make the inspector throw: every outcome is a report, and a refusal names its reason. */
class InspectorNeverThrowsTest {
  private static final String OPCODE_BYTES = "()]}.0123abcdeghijlopqrstuNIJKLMFGSTUVXBCPQRc\u0080\u0081\u0082\u0083"
      + "\u0084\u0085\u0086\u0087\u0088\u0089\u008a\u008b\u008c\u008d\u008e\u008f\u0090\u0091\u0092\u0093\u0094"
      + "\u0095\u0096\u0097\u0098\n\u0000\u0001\u00ff";

  @Test
  void randomOpcodeSoupAlwaysGivesAReport() {
    Random random = new Random(42);
    PickleInspector[] inspectors = {
      PickleInspector.defaults(),
      PickleInspector.builder().persistentIds(true).outOfBandBuffers(true)
          .limits(Limits.builder().maxDepth(5).maxMemoEntries(8).maxObjects(50).maxExpandedSize(40)
              .maxStringBytes(16).maxIntDigits(6).build()).build()
    };
    for (int i = 0; i < 100_000; i++) {
      byte[] data = new byte[1 + random.nextInt(40)];
      for (int k = 0; k < data.length; k++) {
        data[k] = random.nextInt(4) == 0 ? (byte) random.nextInt(256)
            : (byte) OPCODE_BYTES.charAt(random.nextInt(OPCODE_BYTES.length()));
      }
      for (PickleInspector inspector : inspectors) {
        PickleReport r = inspector.inspect(data);
        assertNotNull(r);
        if (r.verdict() != Verdict.VALID) {
          assertNotNull(r.firstError());
          assertTrue(r.findings().stream().filter(f -> f.severity() == Severity.ERROR)
              .allMatch(f -> f.message().contains("offset")), r.findings().toString());
        }
      }
    }
  }
}
