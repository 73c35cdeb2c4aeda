package dev.cachecompat.verifier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** The dumps scripts/gen-demo-dumps.sh bundles scan as its README says. */
class DemoDumpsSourceTest {
  static Path resource(String name) throws URISyntaxException {
    return Path.of(DemoDumpsSourceTest.class.getResource("demo-dumps/" + name).toURI());
  }

  static Map<String, RawEntry> scan(Path p) {
    Map<String, RawEntry> got = new TreeMap<>();
    try (ScanSource s = SourceUri.parse(p.toString()).open(SourceOptions.defaults())) {
      s.forEach(e -> got.put(e.displayKey(), e) == null);
    }
    return got;
  }

  @Test
  void rdbHoldsBothFleetsAndTheBadEntries() throws URISyntaxException {
    Map<String, RawEntry> got = scan(resource("cache.rdb"));
    assertEquals(19, got.size(), got.keySet().toString());
    assertEquals(10, got.keySet().stream().filter(k -> k.startsWith("shop:3:")).count());
    assertEquals(9, got.keySet().stream().filter(k -> k.startsWith("shop:2:")).count());
    assertEquals(2, got.get("shop:2:user:1").value()[1], "protocol 2 from Python 2.7");
    assertEquals(5, got.get("shop:2:user:99").value()[1], "protocol 5 in the 2.7 namespace");
    assertEquals(5, got.get("shop:3:user:1").value()[1]);
    assertTrue(new String(got.get("shop:3:evil").value(), java.nio.charset.StandardCharsets.ISO_8859_1)
        .contains("system"));
    assertEquals("string", got.get("shop:3:evil").redisType());
    Long ttl = got.get("shop:2:session:abc").ttlSeconds();
    assertNotNull(ttl);
    assertTrue(ttl > 365L * 24 * 3600, "a TTL of years: " + ttl);
    assertNull(got.get("shop:2:user:1").ttlSeconds());
  }

  @Test
  void memcachedDumpHoldsTheSameKeysWithClientFlags() throws URISyntaxException {
    Map<String, RawEntry> got = scan(resource("memcached.dump"));
    assertEquals(scan(resource("cache.rdb")).keySet(), got.keySet());
    assertEquals(1, got.get("shop:2:user:1").flags());
    assertEquals(2, got.get("shop:2:visits").flags());
    assertEquals(16, got.get("shop:3:banner").flags());
    assertEquals(0, got.get("shop:2:logo").flags());
    assertNull(got.get("shop:2:logo").redisType());
    assertTrue(got.get("shop:3:session:abc").ttlSeconds() > 365L * 24 * 3600);
  }
}
