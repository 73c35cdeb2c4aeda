package dev.cachecompat.namespace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cachecompat.core.PythonVersion;
import dev.cachecompat.testsupport.MemcachedServer;
import dev.cachecompat.testsupport.PythonInterpreter;
import dev.cachecompat.testsupport.Pythons;
import dev.cachecompat.testsupport.RealServers;
import dev.cachecompat.testsupport.RedisServer;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.resource.ClientResources;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.rubyeye.xmemcached.MemcachedClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Canonical JSON namespaces on memcached and Redis, read and written by real Python 2.7 and 3. */
@RealServers
class JsonNamespaceIT {
  static final Namespace PY38 = Namespace.django("shop", 3, PythonVersion.PY3_8);
  static final Namespace JSON = Namespace.builder(KeyScheme.django("shopj", 1), PythonVersion.PY2_7)
      .format(ValueFormat.JSON).build();
  static final NamespaceGroup GROUP = NamespaceGroup.of(MigrationMode.OWN, PY38, JSON);
  static final String JSON_SAMPLE = "{u'name': u'caf\\xe9 \\u65e5', u'n': 42, u'f': 1.5, u'items': [1, u'x', None,"
      + " True], u't': [1, 2]}";

  static MemcachedClient memcached;
  static ClientResources resources;
  static RedisClient redisClient;
  static StatefulRedisConnection<byte[], byte[]> redis;

  @BeforeAll
  static void connect(MemcachedServer mc, RedisServer rs) {
    memcached = Servers.memcached(mc);
    resources = Lettuce.resources();
    redisClient = Lettuce.standalone(resources, rs);
    redis = redisClient.connect(ByteArrayCodec.INSTANCE);
  }

  @AfterAll
  static void close() throws Exception {
    Servers.shutdown(memcached);
    redis.close();
    Lettuce.shutdown(resources, redisClient);
  }

  static NamespacedMemcached mc(NamespaceGroup group, Namespace own) {
    return NamespacedMemcached.builder(memcached, group, own.name()).build();
  }

  static NamespacedRedis rs(NamespaceGroup group, Namespace own) {
    return NamespacedRedis.builder(redis, group, own.name()).build();
  }

  @Test
  void javaWritesCanonicalJsonThatPython27And3ParseAndPythonWouldWriteTheSame(MemcachedServer server)
      throws Exception {
    mc(GROUP, JSON).set("obj", PickleMemcachedIT.sample(), 60);
    for (PythonInterpreter py : List.of(Pythons.require("2.7"), Pythons.system())) {
      Map<String, Map<String, Object>> rows = Servers.runForKeys(py, "memcached_read.py",
          Servers.jsonLines(List.of(List.of("shopj:1:obj", JSON_SAMPLE, true))),
          Servers.args(server.host(), server.port(), List.of("shopj:1:obj")));
      assertEquals(true, rows.get("shopj:1:obj").get("equal"), py + " read " + rows.get("shopj:1:obj"));
      assertEquals(0, rows.get("shopj:1:obj").get("flags"));
    }
    String canonical = new String(Pythons.system().runChecked(
        "import json,sys; sys.stdout.write(json.dumps(" + JSON_SAMPLE.replace("u'", "'") + ", sort_keys=True))",
        new byte[0]), StandardCharsets.UTF_8);
    MemcachedValue stored = memcached.get("shopj:1:obj", 1_000, RawTranscoder.INSTANCE);
    assertEquals(canonical, new String(stored.data(), StandardCharsets.UTF_8));
  }

  @Test
  void pythonJsonIsReadBackFromMemcachedAndRedis(MemcachedServer mcServer, RedisServer redisServer) {
    String doc = "json.dumps({'z': [1, 'y'], 'a': None, 'big': 2**70}, sort_keys=True).encode()";
    Pythons.system("pymemcache").runChecked(PythonScripts.load("pymemcache_write.py"),
        Servers.jsonLines(List.of(List.of("shopj:1:py", doc))), mcServer.host(),
        Integer.toString(mcServer.port()), "5");
    Pythons.system("redis").runChecked(PythonScripts.load("redis_write.py"),
        Servers.jsonLines(List.of(List.of("shopj:1:py", doc, true))), redisServer.host(),
        Integer.toString(redisServer.port()), "5");
    Map<String, Object> want = new LinkedHashMap<>();
    want.put("a", null);
    want.put("big", java.math.BigInteger.TWO.pow(70));
    want.put("z", List.of(1L, "y"));
    assertEquals(want, mc(GROUP, JSON).get("py"));
    assertEquals(want, rs(GROUP, JSON).get("py"));
  }

  @Test
  void redisJsonNamespaceIsReadByPython27(RedisServer server) {
    rs(GROUP.withMode(MigrationMode.DUAL_WRITE), PY38).set("obj", PickleMemcachedIT.sample(), Duration.ofMinutes(1));
    Map<String, Map<String, Object>> rows = Servers.runForKeys(Pythons.require("2.7"), "redis_read.py",
        Servers.jsonLines(List.of(List.of("shopj:1:obj", JSON_SAMPLE, true))),
        Servers.args(server.host(), server.port(), List.of("shopj:1:obj")));
    assertEquals(true, rows.get("shopj:1:obj").get("equal"), rows.get("shopj:1:obj").toString());
    rows = Servers.runForKeys(Pythons.system("redis"), "redis_py_read.py",
        Servers.jsonLines(List.of(List.of("shopj:1:obj", JSON_SAMPLE.replace("u'", "'"), true))),
        Servers.args(server.host(), server.port(), List.of("shopj:1:obj")));
    assertEquals(true, rows.get("shopj:1:obj").get("equal"), "redis-py: " + rows.get("shopj:1:obj"));
  }

  @Test
  void valuesPythonsJsonRefusesAreUnencodable() {
    NamespaceException e = assertThrows(NamespaceException.class,
        () -> mc(GROUP, JSON).set("b", List.of(new byte[] {1}), 60));
    assertEquals("unencodable-value", e.code());
    assertEquals("a bytes is not JSON serializable (Python's json.dumps refuses it too); namespace shopj:1 stores"
        + " JSON", e.getMessage());
  }

  @Test
  void dualWriteTooLargeForOneFormatDeletesTheOtherCopy() throws Exception {
    NamespaceGroup dual = NamespaceGroup.of(MigrationMode.DUAL_WRITE, PY38, JSON);
    NamespacedMemcached m = mc(dual, PY38);
    m.set("huge", "old", 60);
    // 174,759 x U+00E9: 349,518 bytes of UTF-8 text for the pickle namespace; as ensure_ascii JSON 1,048,556
    // bytes, under Xmemcached's 1 MiB check but over memcached's 1 MiB item limit once the item header is added,
    // so the server itself refuses it
    NamespaceException e = assertThrows(NamespaceException.class, () -> m.set("huge", "\u00e9".repeat(174_759), 60));
    assertEquals("dual-write-failed", e.code());
    assertTrue(e.getMessage().startsWith("dual write of key 'huge' failed in namespace shopj:1: memcached refused set"
        + " of key 'shopj:1:huge': object too large for cache"), e.getMessage());
    assertNull(memcached.get("shop:3:huge", 1_000, RawTranscoder.INSTANCE), "the 3.8 copy must be gone");
    assertNull(memcached.get("shopj:1:huge", 1_000, RawTranscoder.INSTANCE), "the old JSON copy must be gone");
  }
}
