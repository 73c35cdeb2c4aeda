package dev.cachecompat.verifier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cachecompat.testsupport.RealServers;
import dev.cachecompat.testsupport.RedisServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

@RealServers
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RdbSourceIT {
  List<SourceFixtures.Expected> expected;
  Path rdb;

  @BeforeAll
  void fillAndSave(RedisServer redis) throws IOException {
    expected = SourceFixtures.fillRedis(redis.host(), redis.port(), false, 500);
    assertEquals("OK", redis.cli("SAVE"));
    rdb = redis.directory().resolve("dump.rdb");
  }

  @Test
  void readsTheRdbVersionThisRedisWrites() throws IOException {
    byte[] head = Arrays.copyOf(Files.readAllBytes(rdb), 9);
    String magic = new String(head, StandardCharsets.US_ASCII);
    assertTrue(magic.matches("REDIS00(09|1[0-2])"), magic);
  }

  @Test
  void streamsEveryEntryWithValueTypeAndTtl() {
    try (ScanSource s = SourceUri.parse(rdb.toString()).open(SourceOptions.defaults())) {
      Map<String, RawEntry> got = SourceFixtures.scanAll(s);
      SourceFixtures.assertMatches(expected, got);
      assertNull(s.cursor());
      assertEquals(rdb.toString(), s.describe());
    }
  }

  @Test
  void aLongRepetitiveValueIsLzfCompressedInTheDumpAndReadBackWhole() throws IOException {
    byte[] file = Files.readAllBytes(rdb);
    byte[] key = "compressible".getBytes(StandardCharsets.US_ASCII);
    int at = -1;
    for (int i = 0; i + key.length < file.length && at < 0; i++) {
      if (file[i] == key.length && Arrays.equals(file, i + 1, i + 1 + key.length, key, 0, key.length)) {
        at = i + 1 + key.length;
      }
    }
    assertTrue(at > 0, "the key is in the dump");
    assertEquals((byte) 0xC3, file[at], "the value is written LZF-compressed");
    try (ScanSource s = SourceUri.parse(rdb.toString()).open(SourceOptions.defaults())) {
      RawEntry e = SourceFixtures.scanAll(s).get(java.util.HexFormat.of().formatHex(key));
      assertEquals(16_004, e.value().length);
      assertEquals("abcdefgh".repeat(2000) + "tail", new String(e.value(), StandardCharsets.US_ASCII));
    }
  }

  @Test
  void sampleStopsReadingEarly() {
    List<RawEntry> got = new ArrayList<>();
    try (ScanSource s = SourceUri.parse(rdb.toString()).open(SourceOptions.defaults().withSample(5))) {
      s.forEach(got::add);
      assertEquals(5, s.count());
    }
    assertEquals(5, got.size());
  }

  @Test
  void consumerCanStopTheScan() {
    int[] n = {0};
    try (ScanSource s = SourceUri.parse(rdb.toString()).open(SourceOptions.defaults())) {
      s.forEach(e -> ++n[0] < 3);
      assertEquals(3, s.count());
    }
    assertEquals(3, n[0]);
  }

  @Test
  void truncatedRdbFailsAfterDeliveringWhatItCould(@TempDir Path dir) throws IOException {
    byte[] whole = Files.readAllBytes(rdb);
    Path cut = Files.write(dir.resolve("cut.rdb"), Arrays.copyOf(whole, whole.length / 2));
    List<RawEntry> got = new ArrayList<>();
    try (ScanSource s = SourceUri.parse(cut.toString()).open(SourceOptions.defaults())) {
      SourceException e = assertThrows(SourceException.class, () -> s.forEach(got::add));
      assertEquals("truncated", e.code());
      // cut inside an entry: the length that reaches past the end is named, or the entry ends at the cut
      assertTrue(e.getMessage().matches("cannot read " + java.util.regex.Pattern.quote(cut.toString()) + " \\("
          + whole.length / 2 + " bytes\\) after " + got.size() + " keys: (a (key|value) of \\d+ bytes at offset \\d+"
          + " reaches past the end of the file \\(\\d+ bytes left\\)|the file ends before the RDB end marker"
          + " \\(truncated\\?\\))"), e.getMessage());
    }
    assertTrue(got.size() > 10 && got.size() < expected.size(), "delivered before the cut: " + got.size());
  }

  @Test
  void anRdbWithoutItsEndMarkerDeliversEveryEntryThenFails(@TempDir Path dir) throws IOException {
    byte[] whole = Files.readAllBytes(rdb);
    int withoutEnd = whole.length - 9; // the EOF opcode and the 8-byte checksum
    assertEquals((byte) 0xFF, whole[withoutEnd]);
    Path cut = Files.write(dir.resolve("no-end.rdb"), Arrays.copyOf(whole, withoutEnd));
    List<RawEntry> got = new ArrayList<>();
    try (ScanSource s = SourceUri.parse(cut.toString()).open(SourceOptions.defaults())) {
      SourceException e = assertThrows(SourceException.class, () -> s.forEach(got::add));
      assertEquals("truncated", e.code());
      assertEquals("cannot read " + cut + " (" + withoutEnd + " bytes) after " + expected.size()
          + " keys: the file ends before the RDB end marker (truncated?)", e.getMessage());
    }
    assertEquals(expected.size(), got.size());
  }

  @Test
  void mutantsOfTheDumpScanOrFailWithASourceExceptionAndNeverHang(@TempDir Path dir) throws IOException {
    byte[] whole = Files.readAllBytes(rdb);
    java.util.Random random = new java.util.Random(6);
    Map<String, Integer> outcomes = new java.util.TreeMap<>();
    Path file = dir.resolve("mutant.rdb");
    for (int i = 0; i < 600; i++) {
      byte[] m = whole.clone();
      int at = 9 + random.nextInt(m.length - 13);
      switch (i % 4) {
        case 0 -> m[at] = (byte) random.nextInt(256); // any byte
        case 1 -> m = Arrays.copyOf(m, at); // cut
        case 2 -> m[at] = (byte) (0x80 | random.nextInt(2)); // a 32- or 64-bit length starts here
        default -> Arrays.fill(m, at, at + 4, (byte) 0xFF); // a huge length or count
      }
      Files.write(file, m);
      byte[] mutant = m;
      String outcome = org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(java.time.Duration.ofSeconds(20),
          () -> {
            try (ScanSource s = SourceUri.parse(file.toString()).open(SourceOptions.defaults())) {
              s.forEach(e -> true);
              return "scanned";
            } catch (SourceException e) {
              return e.code();
            } catch (RuntimeException | Error e) {
              throw new AssertionError("mutant " + java.util.HexFormat.of().formatHex(mutant) + " threw " + e, e);
            }
          });
      outcomes.merge(outcome, 1, Integer::sum);
    }
    // the mutants reach all three ends, so the test says something about each
    assertEquals(java.util.Set.of("malformed", "scanned", "truncated"), outcomes.keySet(), outcomes.toString());
  }
}
