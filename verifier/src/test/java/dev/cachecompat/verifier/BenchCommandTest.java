package dev.cachecompat.verifier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class BenchCommandTest {
  static final Path DEMO = Path.of("src/main/resources/dev/cachecompat/verifier/demo");
  static final ObjectMapper JSON = new ObjectMapper();

  /** Runs {@code cachecompat bench ARGS...} in-process. */
  static Cli bench(String... args) {
    String[] full = new String[args.length + 1];
    full[0] = "bench";
    System.arraycopy(args, 0, full, 1, args.length);
    return Cli.run(full);
  }

  static JsonNode lastLine(Cli r) throws IOException {
    String[] lines = r.outLines();
    return JSON.readTree(lines[lines.length - 1]);
  }

  @Test
  void picklePrintsOpsAndMegabytesPerSecondForEveryFile() throws IOException {
    Path a = DEMO.resolve("py313-profile-p5.pickle");
    Path b = DEMO.resolve("py313-feed-p4.pickle");
    Cli r = bench("pickle", "--seconds", "0.3", "--warmup", "0.1", a.toString(), b.toString());
    assertEquals(0, r.status(), r.err());
    JsonNode line = lastLine(r);
    assertEquals(List.of("ops_per_s", "mb_per_s", "files", "seconds"), fieldNames(line));
    assertEquals(2, line.get("files").asInt());
    double ops = line.get("ops_per_s").asDouble();
    double mb = line.get("mb_per_s").asDouble();
    assertTrue(ops > 0, line.toString());
    assertTrue(line.get("seconds").asDouble() >= 0.3, line.toString());
    // Every op is one file: MB/s over ops/s is the mean file size of the pass.
    double meanBytes = (Files.size(a) + Files.size(b)) / 2.0;
    assertEquals(meanBytes, mb * 1e6 / ops, meanBytes * 0.01, line.toString());
  }

  @Test
  void jsonCanonicalizesADirectory() throws IOException {
    Cli r = bench("json", "--seconds", "0.2", "--warmup", "0", DEMO.resolve("py313-profile-canonical.json").toString(),
        DEMO.resolve("py27-profile-unsorted.json").toString());
    assertEquals(0, r.status(), r.err());
    assertEquals(2, lastLine(r).get("files").asInt());
  }

  @Test
  void aFileThatDoesNotDecodeStopsTheRunBeforeTiming() {
    Cli r = bench("pickle", "--seconds", "30", DEMO.resolve("py313-evil-os-system.pickle").toString());
    assertEquals(1, r.status());
    assertEquals("", r.out());
    assertTrue(r.err().startsWith("cachecompat: bench needs inputs that pickle accepts; "), r.err());
    assertTrue(r.err().contains("py313-evil-os-system.pickle"), r.err());
  }

  @Test
  void unknownWorkAndBadSecondsAreUsageErrors() {
    Cli r = bench("yaml", DEMO.resolve("py313-profile-p5.pickle").toString());
    assertEquals(2, r.status());
    assertEquals("cachecompat: bench WORK must be pickle or json: 'yaml'\n", r.err());
    Cli s = bench("json", "--seconds", "0", DEMO.resolve("py313-profile-canonical.json").toString());
    assertEquals(2, s.status());
    assertTrue(s.err().contains("--seconds must be in (0, 86400]"), s.err());
  }

  @Test
  void measureDoesTheFullWorkOnEveryPass() {
    AtomicInteger calls = new AtomicInteger();
    List<byte[]> files = List.of(new byte[10], new byte[30]);
    BenchCommand.Result r = BenchCommand.measure(b -> {
      calls.incrementAndGet();
      return b.length;
    }, files, 0.0, 0.05);
    assertEquals(2, r.files());
    assertEquals(0, r.ops() % 2);
    assertEquals(r.ops() / 2 * 40, r.bytes());
    assertTrue(calls.get() >= r.ops() + 2, "warm-up pass and measured passes all ran: " + calls + " " + r);
    assertTrue(r.seconds() >= 0.05);
  }

  @Test
  void operationRejectsUnknownWork() {
    assertThrows(IllegalArgumentException.class, () -> BenchCommand.operation("xml"));
  }

  private static List<String> fieldNames(JsonNode n) {
    List<String> names = new java.util.ArrayList<>();
    n.fieldNames().forEachRemaining(names::add);
    return names;
  }
}
