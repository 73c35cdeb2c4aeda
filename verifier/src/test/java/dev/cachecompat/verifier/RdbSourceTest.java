package dev.cachecompat.verifier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.URISyntaxException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** RdbSource on the bundled demo RDB, without a server. */
class RdbSourceTest {
  static Path demo() throws URISyntaxException {
    return DemoDumpsSourceTest.resource("cache.rdb");
  }

  @Test
  void consumerFailureStopsTheScanAndPropagates() throws URISyntaxException {
    IllegalStateException boom = new IllegalStateException("consumer failed");
    int[] n = {0};
    try (ScanSource s = SourceUri.parse(demo().toString()).open(SourceOptions.defaults())) {
      RuntimeException e = assertThrows(RuntimeException.class, () -> s.forEach(x -> {
        if (++n[0] == 3) {
          throw boom;
        }
        return true;
      }));
      assertSame(boom, e);
      assertEquals(3, s.count());
    }
    assertEquals(3, n[0]);
  }

  @Test
  void sourceCanBeScannedOnlyOnce() throws URISyntaxException {
    try (ScanSource s = SourceUri.parse(demo().toString()).open(SourceOptions.defaults())) {
      s.forEach(x -> true);
      IllegalStateException e = assertThrows(IllegalStateException.class, () -> s.forEach(x -> true));
      assertEquals(demo() + " was already scanned; open the source again", e.getMessage());
    }
  }

  @Test
  void resumeIsRefused() throws URISyntaxException {
    SourceException e = assertThrows(SourceException.class,
        () -> SourceUri.parse(demo().toString()).open(SourceOptions.defaults().withResumeCursor("0")));
    assertEquals("bad-cursor", e.code());
    assertEquals("an RDB file has no scan cursor: " + demo() + " cannot resume", e.getMessage());
  }
}
