package dev.cachecompat.verifier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cachecompat.testsupport.MemcachedServer;
import dev.cachecompat.testsupport.RealServers;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@RealServers
class MemcachedDumpSourceIT {
  static final Path MEMCACHED_TOOL = Path.of("/usr/share/memcached/scripts/memcached-tool");

  @Test
  void parsesWhatTheRealMemcachedToolDumps(MemcachedServer memcached, @TempDir Path dir)
      throws IOException, InterruptedException {
    assertTrue(Files.isRegularFile(MEMCACHED_TOOL), "Debian's memcached package ships " + MEMCACHED_TOOL);
    List<SourceFixtures.Expected> expected = SourceFixtures.fillMemcached(memcached.host(), memcached.port(), 100);
    Path dump = dir.resolve("memcached.dump");
    Process p = new ProcessBuilder("perl", MEMCACHED_TOOL.toString(), memcached.address(), "dump")
        .redirectOutput(dump.toFile()).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), "memcached-tool finished");
    assertEquals(0, p.exitValue());

    SourceUri uri = SourceUri.parse(dump.toString());
    assertEquals(SourceUri.Kind.MEMCACHED_DUMP, uri.kind(), "detected by its first line");
    try (ScanSource s = uri.open(SourceOptions.defaults())) {
      SourceFixtures.assertMatches(expected, SourceFixtures.scanAll(s));
      assertEquals(expected.size(), s.count());
    }
  }
}
