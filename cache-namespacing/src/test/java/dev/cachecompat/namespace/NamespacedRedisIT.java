package dev.cachecompat.namespace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cachecompat.core.PythonVersion;
import dev.cachecompat.testsupport.Pythons;
import dev.cachecompat.testsupport.RealServers;
import dev.cachecompat.testsupport.RedisServer;
import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.resource.ClientResources;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

@RealServers
class NamespacedRedisIT {
  static final Namespace PY27 = Namespace.django("shop", 2, PythonVersion.PY2_7);
  static final Namespace PY38 = Namespace.django("shop", 3, PythonVersion.PY3_8);
  static final NamespaceGroup GROUP = NamespaceGroup.of(MigrationMode.OWN, PY27, PY38);

  static ClientResources resources;
  static RedisClient client;
  static StatefulRedisConnection<byte[], byte[]> bytes;

  @BeforeAll
  static void connect(RedisServer server) {
    resources = Lettuce.resources();
    client = Lettuce.standalone(resources, server);
    bytes = client.connect(ByteArrayCodec.INSTANCE);
  }

  @AfterAll
  static void close() throws Exception {
    bytes.close();
    Lettuce.shutdown(resources, client);
  }

  static NamespacedRedis view(NamespaceGroup group, Namespace own, ValueOptions options) {
    return NamespacedRedis.builder(bytes, group, own.name()).options(options).timeoutMillis(2_000).build();
  }

  static NamespacedRedis view(Namespace own) {
    return view(GROUP, own, ValueOptions.defaults());
  }

  static byte[] raw(String key) {
    return bytes.sync().get(key.getBytes(StandardCharsets.UTF_8));
  }

  static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void codecStripsKeysPrefixesScanPatternsAndSizesKeysExactly() {
    Namespace odd = Namespace.builder(KeyScheme.prefix("a*[b]?:"), PythonVersion.PY3_8).name("odd").build();
    NamespacedCodec codec = NamespacedCodec.of(odd, ValueOptions.defaults());
    try (StatefulRedisConnection<String, Object> c = client.connect(codec)) {
      RedisCommands<String, Object> r = c.sync();
      r.set("user:1", 1L);
      r.set("user:\u00e9\uD83D\uDE00", 2L);
      r.set("other", 3L);
      bytes.sync().set(utf8("a1[b]?:user:9"), utf8("9")); // would match an unescaped a*[b]?:user:*
      assertEquals(2L, r.get("user:\u00e9\uD83D\uDE00"));
      assertEquals("2", new String(raw("a*[b]?:user:\u00e9\uD83D\uDE00"), StandardCharsets.UTF_8));
      TreeSet<String> found = new TreeSet<>();
      ScanCursor cursor = ScanCursor.INITIAL;
      do {
        KeyScanCursor<String> page = r.scan(cursor, codec.scanArgs("user:*"));
        found.addAll(page.getKeys());
        cursor = page;
      } while (!cursor.isFinished());
      assertEquals(new TreeSet<>(List.of("user:1", "user:\u00e9\uD83D\uDE00")), found);
    }
    for (String key : List.of("", "k", "caf\u00e9", "\u65e5\u672c\uD83D\uDE00", "{user:42}:feed")) {
      int encoded = codec.encodeKey(key).remaining();
      assertEquals(encoded, codec.estimateSize(key), "estimate of '" + key + "'");
      io.netty.buffer.ByteBuf buf = io.netty.buffer.Unpooled.buffer();
      codec.encodeKey(key, buf);
      byte[] viaBuf = new byte[buf.readableBytes()];
      buf.readBytes(viaBuf);
      buf.release();
      assertEquals(new String(viaBuf, StandardCharsets.UTF_8),
          StandardCharsets.UTF_8.decode(codec.encodeKey(key)).toString());
    }
  }

  @Test
  void djangoStyleIntegersRoundTripWithRedisPyAndPython27(RedisServer server) {
    Pythons.system("redis").runChecked(PythonScripts.load("redis_write.py"), Servers.jsonLines(List.of(
        List.of("shop:3:py:int", "-42"), List.of("shop:3:py:big", "2**80"))),
        server.host(), Integer.toString(server.port()), "5");
    NamespacedRedis young = view(PY38);
    assertEquals(-42L, young.get("py:int"));
    assertEquals(BigInteger.TWO.pow(80), young.get("py:big"));

    NamespacedRedis old = view(PY27);
    old.set("j:int", 7, null);
    old.set("j:big", BigInteger.TWO.pow(70), Duration.ofSeconds(60));
    assertEquals(3, old.incr("j:ctr", 3));
    assertEquals(1, old.decr("j:ctr", 2));
    Map<String, Map<String, Object>> rows = Servers.runForKeys(Pythons.require("2.7"), "redis_read.py",
        new byte[0], Servers.args(server.host(), server.port(), List.of("shop:2:j:int", "shop:2:j:big",
            "shop:2:j:ctr")));
    assertEquals("7", rows.get("shop:2:j:int").get("repr"));
    assertEquals("1180591620717411303424L", rows.get("shop:2:j:big").get("repr"));
    assertEquals("1", rows.get("shop:2:j:ctr").get("repr"));
    long pttl = old.pttl("j:big");
    assertTrue(pttl > 50_000 && pttl <= 60_000, "PTTL " + pttl);
  }

  @Test
  void writeInvalidatesOtherNamespacesAndDeleteFansOut() throws Exception {
    NamespacedRedis old = view(PY27);
    NamespacedRedis young = view(PY38);
    old.set("f:1", 1, null);
    young.set("f:1", 2, null);
    assertNull(raw("shop:2:f:1"), "a 3.8 write must not leave the 2.7 copy");
    bytes.sync().set(utf8("shop:2:f:1"), utf8("1"));
    assertEquals(2, young.delete("f:1"));
    assertNull(raw("shop:2:f:1"));
    assertNull(raw("shop:3:f:1"));
    assertEquals(0, young.deleteAsync("f:1").get(2, TimeUnit.SECONDS));
    assertTrue(young.add("f:2", 5, null));
    assertTrue(!young.add("f:2", 6, null));
    assertEquals(Map.of("f:2", 5L), young.getMultiAsync(List.of("f:2", "f:3")).get(2, TimeUnit.SECONDS));
  }

  @Test
  void dualWriteRefusedByAclInOneNamespaceDeletesTheOtherCopy(RedisServer server) throws Exception {
    server.cli("ACL", "SETUSER", "old-worker", "on", ">pw", "resetkeys", "~shop:2:*", "%R~shop:3:*", "+@all");
    view(GROUP, PY27, ValueOptions.defaults()).set("acl", 1, null);
    RedisClient limited = RedisClient.create(resources, RedisURI.builder().withHost(server.host())
        .withPort(server.port()).withAuthentication("old-worker", "pw").withTimeout(Duration.ofSeconds(2)).build());
    try (StatefulRedisConnection<byte[], byte[]> c = limited.connect(ByteArrayCodec.INSTANCE)) {
      NamespacedRedis dual = NamespacedRedis.builder(c, GROUP.withMode(MigrationMode.DUAL_WRITE), "shop:2").build();
      NamespaceException e = assertThrows(NamespaceException.class, () -> dual.set("acl", 2, null));
      assertEquals("dual-write-failed", e.code());
      assertTrue(e.getMessage().startsWith("dual write of key 'acl' failed in namespace shop:3: Redis refused SET"
          + " of key 'shop:3:acl': NOPERM"), e.getMessage());
      assertNull(raw("shop:2:acl"), "the 2.7 copy written before the failure must be deleted");
    } finally {
      limited.shutdown(Duration.ZERO, Duration.ofSeconds(2));
    }
  }

  @Test
  void readThroughServesALoadableCopyKeepingItsTtl() {
    bytes.sync().set(utf8("shop:2:rt"), utf8("41"));
    bytes.sync().pexpire(utf8("shop:2:rt"), 90_000);
    NamespacedRedis young = view(GROUP.withMode(MigrationMode.READ_THROUGH), PY38, ValueOptions.defaults());
    assertEquals(41L, young.get("rt"));
    assertEquals("41", new String(raw("shop:3:rt"), StandardCharsets.UTF_8));
    long pttl = young.pttl("rt");
    assertTrue(pttl > 80_000 && pttl <= 90_000, "backfilled PTTL " + pttl);
  }

  @Test
  void serverRestartFailsClearlyThenRecovers(RedisServer server) throws Exception {
    NamespacedRedis young = view(PY38);
    young.set("rs", 1, null);
    server.stop();
    try {
      NamespaceException e = assertThrows(NamespaceException.class, () -> young.set("rs:during", 2, null));
      assertEquals("server-unavailable", e.code());
      assertTrue(e.getMessage().startsWith("Redis SET of key 'shop:3:rs:during' failed"), e.getMessage());
    } finally {
      server.start();
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
    while (true) {
      try {
        young.set("rs:after", 3, null);
        break;
      } catch (NamespaceException e) {
        if (System.nanoTime() > deadline) {
          throw e;
        }
        Thread.sleep(100);
      }
    }
    assertEquals(3L, young.get("rs:after"));
    List<String> keys = new ArrayList<>();
    for (byte[] k : bytes.sync().keys("*rs*")) {
      keys.add(new String(k, StandardCharsets.UTF_8));
    }
    assertEquals(List.of("shop:3:rs:after"), keys, "only the write after the restart, in its own namespace");
  }

  @Test
  void codecRejectsAPayloadAsAMissOrInStrictModeFailsOnlyThatCommand() {
    bytes.sync().set(utf8("shop:3:junk"), utf8("not a pickle"));
    bytes.sync().set(utf8("shop:3:good"), utf8("5"));
    Servers.Recorder rec = new Servers.Recorder();
    try (StatefulRedisConnection<String, Object> c =
        client.connect(NamespacedCodec.of(PY38, ValueOptions.builder().listener(rec).build()))) {
      assertNull(c.sync().get("junk"));
      assertEquals("malformed-payload", rec.seen.get(0).code());
    }
    try (StatefulRedisConnection<String, Object> c =
        client.connect(NamespacedCodec.of(PY38, ValueOptions.builder().strict(true).build()))) {
      RuntimeException e = assertThrows(RuntimeException.class, () -> c.sync().get("junk"));
      Throwable cause = e instanceof NamespaceException ? e : e.getCause();
      assertTrue(cause instanceof NamespaceException, "cause: " + e);
      assertEquals("malformed-payload", ((NamespaceException) cause).code());
      assertEquals(5L, c.sync().get("good"), "the connection keeps working after a rejected payload");
    }
  }

  @Test
  void touchSetsOrRemovesTheTtlInTheOwnNamespaceAndInEveryNamespaceWhenDualWriting() throws Exception {
    NamespacedRedis young = view(PY38);
    young.set("t:1", "v", null);
    assertEquals(-1, young.pttl("t:1"));
    assertTrue(young.touch("t:1", Duration.ofSeconds(90)));
    long pttl = young.pttl("t:1");
    assertTrue(pttl > 80_000 && pttl <= 90_000, "PTTL after touch " + pttl);
    assertTrue(young.touchAsync("t:1", Duration.ZERO).get(2, TimeUnit.SECONDS), "PERSIST of a present key");
    assertEquals(-1, young.pttl("t:1"));
    assertTrue(!young.touch("t:absent", Duration.ofSeconds(5)));
    assertTrue(!young.touch("t:absent", Duration.ZERO));
    assertEquals(-2, young.pttl("t:absent"));

    NamespacedRedis dual = view(GROUP.withMode(MigrationMode.DUAL_WRITE), PY38, ValueOptions.defaults());
    dual.set("t:2", "v", null);
    assertTrue(dual.touch("t:2", Duration.ofSeconds(60)));
    for (String raw : List.of("shop:2:t:2", "shop:3:t:2")) {
      long t = bytes.sync().pttl(utf8(raw));
      assertTrue(t > 50_000 && t <= 60_000, raw + " PTTL " + t);
    }
    // outside dual write only the caller's namespace is touched
    view(GROUP, PY27, ValueOptions.defaults()).set("t:3", 1, null);
    bytes.sync().set(utf8("shop:3:t:3"), utf8("1"));
    assertTrue(young.touch("t:3", Duration.ofSeconds(30)));
    assertEquals(-1, bytes.sync().pttl(utf8("shop:2:t:3")));
  }

  @Test
  void asyncFormsCompleteWithTheSameResultsAndFailWithNamespaceException() throws Exception {
    NamespacedRedis young = view(PY38);
    young.setAsync("as:1", List.of(1L, "x"), Duration.ofSeconds(30)).get(2, TimeUnit.SECONDS);
    assertEquals(List.of(1L, "x"), young.getAsync("as:1").get(2, TimeUnit.SECONDS));
    assertTrue(young.addAsync("as:2", 5, null).get(2, TimeUnit.SECONDS));
    assertTrue(!young.addAsync("as:2", 6, null).get(2, TimeUnit.SECONDS));
    assertEquals(8L, young.incrAsync("as:2", 3).get(2, TimeUnit.SECONDS));
    assertEquals(6L, young.decrAsync("as:2", 2).get(2, TimeUnit.SECONDS));
    assertEquals(6L, young.get("as:2"));
    young.set("as:text", "eight", null);
    java.util.concurrent.ExecutionException e = assertThrows(java.util.concurrent.ExecutionException.class,
        () -> young.incrAsync("as:text", 1).get(2, TimeUnit.SECONDS));
    NamespaceException cause = (NamespaceException) e.getCause();
    assertEquals("server-error", cause.code());
    assertEquals("Redis refused INCRBY of key 'shop:3:as:text': ERR value is not an integer or out of range",
        cause.getMessage());
  }

  @Test
  void keysThroughTheCodecComeBackStrippedAndOnlyFromItsNamespace() {
    Namespace odd = Namespace.builder(KeyScheme.prefix("k*[x]:"), PythonVersion.PY3_8).name("kodd").build();
    bytes.sync().set(utf8("shop:2:kk:1"), utf8("1"));
    bytes.sync().set(utf8("k1[x]:kk:9"), utf8("9")); // an unescaped k*[x]:kk:* would match it
    for (Namespace ns : List.of(PY38, odd)) {
      NamespacedCodec codec = NamespacedCodec.of(ns, ValueOptions.defaults());
      try (StatefulRedisConnection<String, Object> c = client.connect(codec)) {
        c.sync().set("kk:1", 1L);
        c.sync().set("kk:\u00e9", 2L);
        // Lettuce 7's keys(String) sends its pattern as it is: keysPattern adds the escaped prefix
        assertEquals(new TreeSet<>(List.of("kk:1", "kk:\u00e9")),
            new TreeSet<>(c.sync().keys(codec.keysPattern("kk:*"))), ns.name());
      }
    }
  }
}
