package dev.cachecompat.verifier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cachecompat.testsupport.RealServers;
import dev.cachecompat.testsupport.RedisCluster;
import dev.cachecompat.testsupport.RedisServer;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

@RealServers
class RedisClusterSourceIT {
  @Test
  void everyMasterIsScannedAndResumeCoversEveryKeyOnce(RedisCluster cluster) {
    RedisServer seed = cluster.nodes().get(0);
    int total;
    // Opened before the fill: the cluster client's first start (a second or more on a loaded machine) must not
    // count against the fixture's 3 s of TTL tolerance.
    try (ScanSource s = SourceUri.parse(cluster.uri()).open(SourceOptions.defaults().withBatchSize(50))) {
      List<SourceFixtures.Expected> expected = SourceFixtures.fillRedis(seed.host(), seed.port(), true, 300);
      for (RedisServer n : cluster.nodes()) {
        assertTrue(Integer.parseInt(n.cli("dbsize")) > 50, "keys spread over every master: " + n);
      }
      SourceFixtures.assertMatches(expected, SourceFixtures.scanAll(s));
      assertEquals("done", s.cursor());
      total = expected.size();
    }

    Set<String> seen = new HashSet<>();
    String cursor = null;
    int runs = 0;
    do {
      try (ScanSource s = SourceUri.parse("redis-cluster://" + seed.address())
          .open(SourceOptions.defaults().withBatchSize(50).withSample(120).withResumeCursor(cursor))) {
        s.forEach(e -> {
          assertTrue(seen.add(HexFormat.of().formatHex(e.key())), () -> "delivered twice: " + e);
          return true;
        });
        cursor = s.cursor();
        if (runs == 0) {
          assertEquals(120, s.count());
          assertEquals(3, cursor.split(",").length, cursor);
        }
      }
      runs++;
    } while (!cursor.equals("done") && runs < 20);
    assertEquals("done", cursor);
    assertEquals(total, seen.size());
  }
}
