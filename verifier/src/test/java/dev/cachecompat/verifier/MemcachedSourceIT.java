package dev.cachecompat.verifier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cachecompat.testsupport.MemcachedServer;
import dev.cachecompat.testsupport.RealServers;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

@RealServers
class MemcachedSourceIT {
  List<SourceFixtures.Expected> expected;

  @BeforeEach
  void fill(MemcachedServer memcached) {
    expected = SourceFixtures.fillMemcached(memcached.host(), memcached.port(), 300);
  }

  @Test
  void scanFindsEveryKeyJustSetWithFlagsValueAndTtl(MemcachedServer memcached) {
    try (ScanSource s = SourceUri.parse(memcached.uri()).open(SourceOptions.defaults().withBatchSize(50))) {
      Map<String, RawEntry> got = SourceFixtures.scanAll(s);
      SourceFixtures.assertMatches(expected, got);
      assertNull(s.cursor());
      assertEquals(expected.size(), s.count());
    }
  }

  @Test
  void sampleStopsEarlyAndBigValuesAreNotFetched(MemcachedServer memcached) {
    try (ScanSource s = SourceUri.parse(memcached.uri())
        .open(SourceOptions.defaults().withBatchSize(7).withSample(20).withMaxValueBytes(0))) {
      Map<String, RawEntry> got = SourceFixtures.scanAll(s);
      assertEquals(20, got.size());
      for (RawEntry e : got.values()) {
        // maxValueBytes 0: nothing but the empty value is read; every other size comes from the server
        assertTrue(e.value() == null || e.value().length == 0, e::toString);
        assertTrue(e.valueLength() >= 0, e::toString);
      }
    }
  }

  @Test
  void resumeIsRefusedBecauseMemcachedHasNoCursor(MemcachedServer memcached) {
    SourceException e = assertThrows(SourceException.class, () -> SourceUri.parse(memcached.uri())
        .open(SourceOptions.defaults().withResumeCursor("0")));
    assertEquals("bad-cursor", e.code());
    assertEquals("memcached has no scan cursor: " + memcached.uri() + " cannot resume", e.getMessage());
  }

  @Test
  void lostConnectionSaysHowFarTheScanGot(MemcachedServer memcached) {
    int[] delivered = {0};
    try (ScanSource s = SourceUri.parse(memcached.uri()).open(SourceOptions.defaults().withBatchSize(10))) {
      SourceException e = assertThrows(SourceException.class, () -> s.forEach(entry -> {
        if (delivered[0]++ == 0) {
          memcached.stop();
        }
        return true;
      }));
      assertEquals("connection-lost", e.code());
      assertEquals("lost connection to " + memcached.address() + " after " + delivered[0] + " keys",
          e.getMessage());
      assertTrue(delivered[0] < expected.size());
    } finally {
      memcached.start();
    }
  }
}
