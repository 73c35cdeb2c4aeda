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
      assertEquals("cannot read " + cut + " (" + whole.length / 2 + " bytes) after " + got.size()
          + " keys: the file ends before the RDB end marker (truncated?)", e.getMessage());
    }
    assertTrue(got.size() > 10 && got.size() < expected.size(), "delivered before the cut: " + got.size());
  }
}
