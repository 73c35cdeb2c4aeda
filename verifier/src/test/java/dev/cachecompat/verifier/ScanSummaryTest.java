package dev.cachecompat.verifier;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cachecompat.core.PythonVersion;
import dev.cachecompat.core.Verdict;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** The summary counts each cell as a count per key of the cell's strings would. */
class ScanSummaryTest {
  @Test
  void countsEveryCellAsACountOfItsStringsWouldWhetherResultsShareTheirFieldObjectsOrNot() {
    Random random = new Random(5);
    NamespaceResolver.Ns app = new NamespaceResolver.Ns("app", 3);
    ScanSummary summary = new ScanSummary();
    Map<String, Long> expected = new TreeMap<>();
    for (int i = 0; i < 50_000; i++) {
      // shared objects (as the resolver and classifier hand out) and equal fresh ones, in a random mix
      NamespaceResolver.Ns ns = switch (random.nextInt(5)) {
        case 0 -> null;
        case 1 -> new NamespaceResolver.Ns("app", 3);
        case 2 -> new NamespaceResolver.Ns("app", null);
        case 3 -> new NamespaceResolver.Ns("app:3", null); // another namespace with the same label
        default -> app;
      };
      PythonVersion readers = switch (random.nextInt(3)) {
        case 0 -> null;
        case 1 -> PythonVersion.PY2_7;
        default -> new PythonVersion(2, 7);
      };
      String format = random.nextBoolean() ? "pickle" : new String("pickle".toCharArray());
      Integer protocol = random.nextInt(4) == 0 ? null : 1000 + random.nextInt(3); // boxed anew: not cached
      Verdict verdict = random.nextInt(10) == 0 ? Verdict.UNSAFE : Verdict.VALID;
      boolean unreadable = verdict == Verdict.VALID && random.nextInt(10) == 0;
      summary.add(new EntryClassifier.Result("k" + i, ns, readers, "k", null, format, verdict == Verdict.VALID
          && !unreadable, verdict, protocol, null, null, null, List.of(), unreadable));
      String cell = (ns == null ? "-" : ns.label()) + "|" + (readers == null ? "-" : readers) + "|" + format + "|"
          + (protocol == null ? "-" : protocol) + "|" + (unreadable ? "unreadable" : verdict.label());
      expected.merge(cell, 1L, Long::sum);
    }
    Map<String, Long> counted = new TreeMap<>();
    for (JsonNode c : summary.toJson(List.of("test"), List.of()).get("summary").get("counts")) {
      String cell = c.get("namespace").asText() + "|" + c.get("readers").asText() + "|" + c.get("format").asText() + "|"
          + c.get("protocol").asText() + "|" + c.get("verdict").asText();
      assertEquals(null, counted.put(cell, c.get("keys").asLong()), "one line per cell: " + cell);
    }
    assertEquals(expected, counted);
    assertEquals(50_000, summary.keys());
  }
}
