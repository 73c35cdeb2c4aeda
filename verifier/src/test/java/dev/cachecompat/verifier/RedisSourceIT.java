package dev.cachecompat.verifier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cachecompat.testsupport.RealServers;
import dev.cachecompat.testsupport.RedisServer;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

@RealServers
class RedisSourceIT {
  static final int BULK = 600;
  List<SourceFixtures.Expected> expected;

  @BeforeEach
  void fill(RedisServer redis) {
    expected = SourceFixtures.fillRedis(redis.host(), redis.port(), false, BULK);
  }

  @Test
  void scanFindsEveryKeyWithValueTypeAndTtl(RedisServer redis) {
    try (ScanSource s = SourceUri.parse(redis.uri()).open(SourceOptions.defaults().withBatchSize(100))) {
      SourceFixtures.assertMatches(expected, SourceFixtures.scanAll(s));
      assertEquals(expected.size(), s.count());
      assertEquals("done", s.cursor());
      assertEquals(redis.uri() + "/0", s.describe());
    }
  }

  @Test
  void valuesOverTheLimitAreReportedWithTheirLengthOnly(RedisServer redis) {
    try (ScanSource s = SourceUri.parse(redis.uri()).open(SourceOptions.defaults().withMaxValueBytes(20))) {
      Map<String, RawEntry> got = SourceFixtures.scanAll(s);
      for (SourceFixtures.Expected x : expected) {
        RawEntry e = got.get(x.keyHex());
        if (x.value() != null && x.value().length > 20) {
          assertTrue(e.valueSkipped(), e::toString);
          assertEquals(x.value().length, e.valueLength());
        } else if (x.value() != null) {
          assertEquals(HexFormat.of().formatHex(x.value()), HexFormat.of().formatHex(e.value()));
        }
      }
    }
  }

  @Test
  void sampledScanResumesFromItsCursorAndTheUnionIsEveryKeyOnce(RedisServer redis) {
    Set<String> seen = new HashSet<>();
    String cursor;
    int runs = 0;
    SourceOptions options = SourceOptions.defaults().withBatchSize(100).withSample(250);
    cursor = null;
    do {
      try (ScanSource s = SourceUri.parse(redis.uri()).open(options.withResumeCursor(cursor))) {
        s.forEach(e -> {
          assertTrue(seen.add(HexFormat.of().formatHex(e.key())), () -> "delivered twice: " + e);
          return true;
        });
        assertTrue(s.count() <= 250);
        cursor = s.cursor();
        if (runs == 0) {
          assertEquals(250, s.count());
          assertTrue(cursor.contains("+"), "the sample ends inside a SCAN batch: " + cursor);
        }
      }
      runs++;
    } while (!cursor.equals("done") && runs < 10);
    assertEquals("done", cursor);
    assertEquals(expected.size(), seen.size());
    assertTrue(runs >= 3, "runs " + runs);
  }

  @Test
  void aServerThatRefusesScriptsIsScannedWithPlainCommandsAlike(RedisServer redis) {
    // An ACL user without scripting (the scan once used a Lua script, with a plain pipeline as the fallback; it
    // uses no script now): the same entries as the default user, AUTH with user and password on both connections.
    redis.cli("ACL", "SETUSER", "noscripts", "on", ">pw", "~*", "+@all", "-@scripting");
    try {
      String uri = "redis://noscripts:pw@" + redis.address();
      Map<String, RawEntry> plain;
      Map<String, RawEntry> scripted;
      try (ScanSource s = SourceUri.parse(uri).open(SourceOptions.defaults().withBatchSize(100))) {
        plain = SourceFixtures.scanAll(s);
      }
      try (ScanSource s = SourceUri.parse(redis.uri()).open(SourceOptions.defaults().withBatchSize(100))) {
        scripted = SourceFixtures.scanAll(s);
      }
      assertEquals(expected.size(), plain.size());
      assertEquals(scripted.keySet(), plain.keySet());
      for (RawEntry p : plain.values()) {
        RawEntry q = scripted.get(HexFormat.of().formatHex(p.key()));
        assertEquals(q.redisType(), p.redisType(), p::toString);
        assertEquals(q.valueLength(), p.valueLength(), p::toString);
        assertTrue(java.util.Arrays.equals(q.value(), p.value()), p::toString);
        assertEquals(q.ttlSeconds() == null, p.ttlSeconds() == null, p::toString);
        if (p.ttlSeconds() != null) {
          assertTrue(Math.abs(q.ttlSeconds() - p.ttlSeconds()) <= 2, () -> p + " and " + q);
        }
      }
      try (ScanSource s = SourceUri.parse(uri).open(SourceOptions.defaults().withMaxValueBytes(20))) {
        Map<String, RawEntry> got = SourceFixtures.scanAll(s);
        assertTrue(got.values().stream().anyMatch(RawEntry::valueSkipped), "some value is over 20 bytes");
        for (RawEntry e : got.values()) {
          assertTrue(e.value() == null || e.value().length <= 20, e::toString);
        }
      }
    } finally {
      redis.cli("ACL", "DELUSER", "noscripts");
    }
  }

  @Test
  void valuesBeyondTheBatchValueBudgetAreFetchedOnTheirOwn(RedisServer redis) {
    // 3 values of 7 MiB: the script returns what fits in SourceOptions.BATCH_VALUE_BUDGET (16 MiB), GET the rest.
    redis.cli("FLUSHALL");
    dev.cachecompat.testsupport.Pythons.system("redis").runChecked(String.join("\n",
        "import sys, redis",
        "r = redis.Redis(host=sys.argv[1], port=int(sys.argv[2]))",
        "for i in range(3):",
        "    r.set('big:%d' % i, bytes([65 + i]) * (7 << 20))",
        "r.set('small', b'x')"), new byte[0], redis.host(), Integer.toString(redis.port()));
    try (ScanSource s = SourceUri.parse(redis.uri()).open(SourceOptions.defaults())) {
      Map<String, RawEntry> got = SourceFixtures.scanAll(s);
      assertEquals(4, got.size());
      for (int i = 0; i < 3; i++) {
        RawEntry e = got.get(HexFormat.of().formatHex(("big:" + i).getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        assertEquals(7 << 20, e.value().length);
        assertEquals(65 + i, e.value()[0]);
        assertEquals(65 + i, e.value()[(7 << 20) - 1]);
      }
    }
  }

  @Test
  void scansTheDatabaseTheUriNames(RedisServer redis) {
    redis.cli("-n", "1", "SET", "only-in-db-1", "v");
    try (ScanSource s = SourceUri.parse(redis.uri() + "/1").open(SourceOptions.defaults())) {
      Map<String, RawEntry> got = SourceFixtures.scanAll(s);
      assertEquals(Set.of(HexFormat.of().formatHex("only-in-db-1".getBytes(java.nio.charset.StandardCharsets.UTF_8))),
          got.keySet());
    }
  }

  @Test
  void badResumeCursorIsRejected(RedisServer redis) {
    SourceException e = assertThrows(SourceException.class, () -> SourceUri.parse(redis.uri())
        .open(SourceOptions.defaults().withResumeCursor("abc")).close());
    assertEquals("bad-cursor", e.code());
    assertEquals("bad resume cursor \"abc\" for " + redis.uri() + "/0: expected CURSOR, CURSOR+SKIP or done",
        e.getMessage());
  }

  @Test
  void lostConnectionSaysHowFarTheScanGot(RedisServer redis) {
    int[] delivered = {0};
    try (ScanSource s = SourceUri.parse(redis.uri()).open(SourceOptions.defaults().withBatchSize(100))) {
      SourceException e = assertThrows(SourceException.class, () -> s.forEach(entry -> {
        if (delivered[0]++ == 0) {
          redis.stop();
        }
        return true;
      }));
      assertEquals("connection-lost", e.code());
      Matcher m = Pattern.compile("lost connection to " + Pattern.quote(redis.address())
          + " after (\\d+) keys \\(cursor (\\S+)\\)").matcher(e.getMessage());
      assertTrue(m.matches(), e.getMessage());
      assertEquals(delivered[0], Integer.parseInt(m.group(1)));
      assertEquals(s.cursor(), m.group(2));
      assertTrue(delivered[0] < expected.size());
    } finally {
      redis.start();
    }
  }

  @Test
  void refusedConnectionIsAClearError(RedisServer redis) {
    redis.stop();
    try {
      SourceException e = assertThrows(SourceException.class,
          () -> SourceUri.parse(redis.uri()).open(SourceOptions.defaults()).close());
      assertEquals("connection-failed", e.code());
      assertTrue(e.getMessage().startsWith("cannot connect to " + redis.uri() + "/0: "), e.getMessage());
    } finally {
      redis.start();
    }
  }

  /** Sets each key to {@code n} bytes of one letter (Python's redis client, so the test needs no Lettuce). */
  private static void setSized(RedisServer redis, Map<String, Integer> sizes, String more) {
    StringBuilder py = new StringBuilder("import sys, redis\nr = redis.Redis(host=sys.argv[1], port=int(sys.argv[2]))\n");
    py.append("r.flushall()\n");
    for (Map.Entry<String, Integer> e : sizes.entrySet()) {
      py.append("r.set(b'").append(e.getKey()).append("', b'v' * ").append(e.getValue()).append(")\n");
    }
    py.append(more);
    dev.cachecompat.testsupport.Pythons.system("redis").runChecked(py.toString(), new byte[0], redis.host(),
        Integer.toString(redis.port()));
  }

  private static byte[] bytes(String s) {
    return s.getBytes(java.nio.charset.StandardCharsets.UTF_8);
  }

  @Test
  void aFetchReadsValuesUpToItsProbeWholeAndOneByteMoreOfLongerOnes(RedisServer redis) throws Exception {
    Map<String, Integer> sizes = new java.util.LinkedHashMap<>();
    for (int n : new int[] {0, 1, 99, 100, 101, 5000}) {
      sizes.put("v" + n, n);
    }
    setSized(redis, sizes, "r.rpush(b'list', b'a')\nr.expire(b'v99', 50)\n");
    List<byte[]> keys = new java.util.ArrayList<>();
    for (String k : List.of("v0", "v1", "v99", "v100", "v101", "v5000", "list", "missing")) {
      keys.add(bytes(k));
    }
    try (RespPipe pipe = RespPipe.connect(redis.host(), redis.port(), null, null, 0, java.time.Duration.ofSeconds(10))) {
      // budget 800 for 8 keys: probe 100, so GETRANGE 0 100 answers at most 101 bytes
      RedisSource.Fetch f = RedisSource.Fetch.send(pipe, keys, 0, 8, 800, 1 << 20);
      pipe.flush();
      f.read(pipe);
      assertEquals(100, f.probe);
      // read whole up to the probe (v0: empty, its GET tells), one byte more says longer (STRLEN next)
      int[] valueLengths = {-1, 1, 99, 100, -1, -1};
      byte[] kinds = {0, 0, 0, 0, RedisSource.Fetch.LONGER, RedisSource.Fetch.LONGER};
      for (int i = 0; i < 6; i++) {
        String k = new String(keys.get(i));
        assertEquals("string", f.type[i], k);
        assertEquals(valueLengths[i], f.value[i] == null ? -1 : f.value[i].length, "value of " + k);
        assertEquals(Math.max(0, valueLengths[i]), f.length[i], "length of " + k);
        assertEquals(kinds[i], f.kind[i], "kind of " + k);
      }
      assertEquals(2, f.longer);
      assertEquals(-1, f.ttl[0]);
      assertTrue(f.ttl[2] > 49_000 && f.ttl[2] <= 50_000, "PTTL " + f.ttl[2]);
      assertEquals(null, f.type[6], "GETRANGE of a list fails: TYPE next");
      assertEquals(RedisSource.Fetch.UNTYPED, f.kind[6]);
      assertEquals(-1, f.length[6]);
      assertEquals(1, f.untyped);
      assertEquals(-1, f.ttl[6]);
      assertEquals("none", f.type[7], "gone");
      assertEquals(null, f.value[7]);
      assertEquals(-2, f.ttl[7]);
      assertEquals(-1, f.firstTtlError);
      // the value limit caps the probe: 99 bytes read whole, 100 flagged as longer
      RedisSource.Fetch g = RedisSource.Fetch.send(pipe, keys, 2, 2, 1 << 20, 99);
      pipe.flush();
      g.read(pipe);
      assertEquals(99, g.value[0].length);
      assertEquals(null, g.value[1]);
      assertEquals(RedisSource.Fetch.LONGER, g.kind[1]);
      // a budget smaller than the keys: probe 0, one byte says "longer", an empty value reads whole
      RedisSource.Fetch h = RedisSource.Fetch.send(pipe, keys, 0, 3, 2, 1 << 20);
      pipe.flush();
      h.read(pipe);
      assertEquals(0, h.probe);
      assertEquals(null, h.value[0]);
      assertEquals(0, h.kind[0]);
      assertEquals("string", h.type[0]);
      assertEquals(RedisSource.Fetch.LONGER, h.kind[1]);
      assertEquals(RedisSource.Fetch.LONGER, h.kind[2]);
    }
  }

  @Test
  void valuesAtTheLimitOneByteOverAndLongerThanTheProbeAreReportedExactly(RedisServer redis) {
    Map<String, Integer> sizes = new java.util.LinkedHashMap<>();
    for (int n : new int[] {0, 1, 100, 101, 20_000}) {
      sizes.put("v" + n, n);
    }
    for (int i = 0; i < 1500; i++) {
      sizes.put("pad:" + i, i % 7 == 0 ? 9_000 : 30); // enough keys that the probe (8 MiB / keys) is < 9,000
    }
    setSized(redis, sizes, "");
    for (long limit : new long[] {100, 64L << 20}) {
      try (ScanSource s = SourceUri.parse(redis.uri()).open(SourceOptions.defaults().withBatchSize(2000)
          .withMaxValueBytes(limit))) {
        Map<String, RawEntry> got = SourceFixtures.scanAll(s);
        assertEquals(sizes.size(), got.size());
        for (Map.Entry<String, Integer> e : sizes.entrySet()) {
          RawEntry r = got.get(HexFormat.of().formatHex(bytes(e.getKey())));
          assertEquals("string", r.redisType(), r::toString);
          assertEquals((long) e.getValue(), r.valueLength(), r::toString);
          if (e.getValue() <= limit) {
            assertTrue(r.value() != null && r.value().length == e.getValue()
                && (e.getValue() == 0 || r.value()[e.getValue() - 1] == 'v'), r::toString);
          } else {
            assertTrue(r.valueSkipped(), r::toString);
          }
        }
      }
    }
  }

  @Test
  void keysDeletedDuringTheScanAreSkippedNotReportedEmpty(RedisServer redis) {
    Map<String, Integer> sizes = new java.util.LinkedHashMap<>();
    for (int i = 0; i < 3000; i++) {
      sizes.put("k:" + i, 10);
    }
    setSized(redis, sizes, "");
    Set<String> delivered = new HashSet<>();
    Set<String> deleted = new HashSet<>();
    try (ScanSource s = SourceUri.parse(redis.uri()).open(SourceOptions.defaults().withBatchSize(100))) {
      s.forEach(e -> {
        String k = new String(e.key(), java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(delivered.add(k), () -> "delivered twice: " + k);
        assertEquals(10, e.valueLength(), e::toString); // never an empty string for a key that vanished
        if (delivered.size() == 1) { // delete every key with an even number, delivered or not
          StringBuilder py = new StringBuilder("import sys, redis\nr = redis.Redis(host=sys.argv[1], port=int(sys.argv[2]))\n")
              .append("r.delete(*[b'k:%d' % i for i in range(0, 3000, 2)])\n");
          dev.cachecompat.testsupport.Pythons.system("redis").runChecked(py.toString(), new byte[0], redis.host(),
              Integer.toString(redis.port()));
          for (int i = 0; i < 3000; i += 2) {
            deleted.add("k:" + i);
          }
        }
        return true;
      });
      assertEquals(delivered.size(), s.count());
    }
    for (int i = 1; i < 3000; i += 2) {
      assertTrue(delivered.contains("k:" + i), "k:" + i + " was never deleted");
    }
    long deletedButDelivered = delivered.stream().filter(deleted::contains).count();
    // only keys read before the delete: the batch being delivered and the one fetched ahead (100 keys each)
    assertTrue(deletedButDelivered <= 200, "deleted keys delivered: " + deletedButDelivered);
  }

  @Test
  void batchesThatNeedMoreCommandsStayInStepWithTheBatchFetchedAhead(RedisServer redis) {
    // Full scan, several batches of ~1000 keys (probe ~8 KiB): in many batches, lists (TYPE), empty strings and
    // 20,000-byte values (STRLEN, GET) need commands after the next batch's fetch went out.
    Map<String, Integer> sizes = new java.util.LinkedHashMap<>();
    for (int i = 0; i < 5000; i++) {
      if (i % 7 != 0) {
        sizes.put("k:" + i, i % 11 == 0 ? 0 : i % 13 == 0 ? 20_000 : 40);
      }
    }
    setSized(redis, Map.of(), String.join("\n",
        "p = r.pipeline(transaction=False)",
        "for i in range(5000):",
        "    if i % 7 == 0: p.rpush(b'k:%d' % i, b'a')",
        "    else: p.set(b'k:%d' % i, b'v' * (0 if i % 11 == 0 else 20000 if i % 13 == 0 else 40))",
        "p.execute()", ""));
    try (ScanSource s = SourceUri.parse(redis.uri()).open(SourceOptions.defaults())) {
      Map<String, RawEntry> got = SourceFixtures.scanAll(s);
      assertEquals(5000, got.size());
      for (int i = 0; i < 5000; i++) {
        RawEntry r = got.get(HexFormat.of().formatHex(bytes("k:" + i)));
        if (i % 7 == 0) {
          assertEquals("list", r.redisType(), r::toString);
          assertEquals(null, r.value(), r::toString);
        } else {
          int n = sizes.get("k:" + i);
          assertEquals("string", r.redisType(), r::toString);
          assertTrue(r.value() != null && r.value().length == n, r::toString);
        }
      }
    }
  }
}
