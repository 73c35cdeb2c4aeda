package dev.cachecompat.namespace;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cachecompat.core.PythonVersion;
import dev.cachecompat.testsupport.MemcachedServer;
import dev.cachecompat.testsupport.PythonInterpreter;
import dev.cachecompat.testsupport.Pythons;
import dev.cachecompat.testsupport.RealServers;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import net.rubyeye.xmemcached.MemcachedClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

@RealServers
class NamespacedMemcachedIT {
  static final Namespace PY27 = Namespace.django("shop", 2, PythonVersion.PY2_7);
  static final Namespace PY38 = Namespace.django("shop", 3, PythonVersion.PY3_8);
  static final NamespaceGroup GROUP = NamespaceGroup.of(MigrationMode.OWN, PY27, PY38);

  static MemcachedClient client;

  @BeforeAll
  static void connect(MemcachedServer server) {
    client = Servers.memcached(server);
  }

  @AfterAll
  static void close() {
    Servers.shutdown(client);
  }

  static NamespacedMemcached view(NamespaceGroup group, Namespace own, ValueOptions options) {
    return NamespacedMemcached.builder(client, group, own.name()).options(options).timeoutMillis(1_000).build();
  }

  static NamespacedMemcached view(Namespace own) {
    return view(GROUP, own, ValueOptions.defaults());
  }

  static MemcachedValue raw(String wireKey) throws Exception {
    return client.get(wireKey, 1_000, RawTranscoder.INSTANCE);
  }

  @Test
  void javaWritesScalarsPython3ReadsThemWithPymemcache(MemcachedServer server) {
    NamespacedMemcached mc = view(PY38);
    mc.set("j3:bytes", new byte[] {0, 1, (byte) 0xff}, 60);
    mc.set("j3:text", "caf\u00e9 \u65e5\u672c", 60);
    mc.set("j3:int", 42L, 60);
    mc.set("j3:neg", -7, 60);
    mc.set("j3:big", BigInteger.TWO.pow(70), 60);
    List<String> keys = List.of("shop:3:j3:bytes", "shop:3:j3:text", "shop:3:j3:int", "shop:3:j3:neg",
        "shop:3:j3:big");
    Map<String, Map<String, Object>> rows = Servers.runForKeys(Pythons.system("pymemcache"), "pymemcache_read.py",
        new byte[0], Servers.args(server.host(), server.port(), keys));
    assertEquals("b'\\x00\\x01\\xff'", rows.get("shop:3:j3:bytes").get("repr"));
    assertEquals("'caf\u00e9 \u65e5\u672c'", rows.get("shop:3:j3:text").get("repr"));
    assertEquals("42", rows.get("shop:3:j3:int").get("repr"));
    assertEquals("-7", rows.get("shop:3:j3:neg").get("repr"));
    assertEquals("1180591620717411303424", rows.get("shop:3:j3:big").get("repr"));
    assertEquals("int", rows.get("shop:3:j3:big").get("type"));
  }

  @Test
  void python27WorkerLoadsEveryScalarWrittenIntoItsNamespace(MemcachedServer server) {
    NamespacedMemcached mc = view(GROUP, PY27, ValueOptions.builder().compressAbove(100).build());
    mc.set("j2:bytes", new byte[] {'a', 0, (byte) 0xff}, 60);
    mc.set("j2:text", "caf\u00e9", 60);
    mc.set("j2:int", 42, 60);
    mc.set("j2:long", BigInteger.TWO.pow(70), 60);
    mc.set("j2:zipped", "\u00e9".repeat(500), 60);
    List<String> keys = List.of("shop:2:j2:bytes", "shop:2:j2:text", "shop:2:j2:int", "shop:2:j2:long",
        "shop:2:j2:zipped");
    PythonInterpreter py27 = Pythons.require("2.7");
    Map<String, Map<String, Object>> rows = Servers.runForKeys(py27, "memcached_read.py", new byte[0],
        Servers.args(server.host(), server.port(), keys));
    assertEquals("'a\\x00\\xff'", rows.get("shop:2:j2:bytes").get("repr"));
    assertEquals("str", rows.get("shop:2:j2:bytes").get("type"));
    assertEquals("u'caf\\xe9'", rows.get("shop:2:j2:text").get("repr"));
    assertEquals("42", rows.get("shop:2:j2:int").get("repr"));
    assertEquals(2, rows.get("shop:2:j2:int").get("flags"));
    assertEquals("1180591620717411303424L", rows.get("shop:2:j2:long").get("repr"));
    assertEquals(4, rows.get("shop:2:j2:long").get("flags"));
    assertEquals(16 | 8, rows.get("shop:2:j2:zipped").get("flags"));
    assertEquals("u'" + "\\xe9".repeat(500) + "'", rows.get("shop:2:j2:zipped").get("repr"));
  }

  @Test
  void pymemcacheWritesScalarsJavaReadsThem(MemcachedServer server) {
    List<List<String>> rows = List.of(
        List.of("shop:3:p:bytes", "b'\\x00\\xff'"),
        List.of("shop:3:p:text", "u'caf\\xe9 \\u65e5'"),
        List.of("shop:3:p:int", "-42"),
        List.of("shop:3:p:big", "2**80"));
    Pythons.system("pymemcache").runChecked(PythonScripts.load("pymemcache_write.py"), Servers.jsonLines(rows),
        server.host(), Integer.toString(server.port()), "5");
    NamespacedMemcached mc = view(PY38);
    assertArrayEquals(new byte[] {0, (byte) 0xff}, (byte[]) mc.get("p:bytes"));
    assertEquals("caf\u00e9 \u65e5", mc.get("p:text"));
    assertEquals(-42L, mc.get("p:int"));
    assertEquals(BigInteger.TWO.pow(80), mc.get("p:big"));
    Map<String, Object> multi = mc.getMulti(List.of("p:int", "p:absent", "p:text"));
    assertEquals(List.of("p:int", "p:text"), new ArrayList<>(multi.keySet()));
  }

  @Test
  void unknownFlagsAreAMissAndAFindingOrAnErrorInStrictMode() throws Exception {
    client.set("shop:3:odd", 0, new MemcachedValue(64, new byte[] {1}), RawTranscoder.INSTANCE, 1_000);
    Servers.Recorder rec = new Servers.Recorder();
    NamespacedMemcached lenient = view(GROUP, PY38, ValueOptions.builder().listener(rec).build());
    assertNull(lenient.get("odd"));
    assertEquals(1, rec.seen.size());
    assertEquals(new RejectedPayload("shop:3", "shop:3:odd", "unknown-flags", "payload at key 'shop:3:odd' in"
        + " namespace shop:3 rejected: memcached flags 0x40 have bits no Python client sets (known: 1 pickle, 2"
        + " int, 4 long, 8 zlib, 16 text)"), rec.seen.get(0));
    NamespacedMemcached strict = view(GROUP, PY38, ValueOptions.builder().strict(true).build());
    NamespaceException e = assertThrows(NamespaceException.class, () -> strict.get("odd"));
    assertEquals("unknown-flags", e.code());
  }

  @Test
  void zlibBombStopsAtThePayloadLimit() throws Exception {
    byte[] bomb = Payloads.deflate(new byte[4 << 20]);
    client.set("shop:3:bomb", 0, new MemcachedValue(8, bomb), RawTranscoder.INSTANCE, 1_000);
    Servers.Recorder rec = new Servers.Recorder();
    NamespacedMemcached mc = view(GROUP, PY38, ValueOptions.builder().listener(rec)
        .limits(dev.cachecompat.core.Limits.builder().maxPayloadBytes(1 << 20).build()).build());
    assertNull(mc.get("bomb"));
    assertEquals("over-limit", rec.seen.get(0).code());
  }

  @Test
  void writeInOwnModeInvalidatesTheOtherNamespace() throws Exception {
    NamespacedMemcached old = view(PY27);
    NamespacedMemcached young = view(PY38);
    old.set("inv", "old", 60);
    young.set("inv", "new", 60);
    assertNull(raw("shop:2:inv"), "the 2.7 copy must not survive a 3.8 write");
    assertEquals("new", young.get("inv"));
  }

  @Test
  void fanOutDeleteReachesEveryNamespaceUnderConcurrentWriters() throws Exception {
    NamespacedMemcached old = view(PY27);
    NamespacedMemcached young = view(PY38);
    ExecutorService pool = Executors.newFixedThreadPool(4);
    AtomicInteger stale = new AtomicInteger();
    try {
      List<Future<?>> work = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        int thread = t;
        work.add(pool.submit(() -> {
          NamespacedMemcached writer = thread % 2 == 0 ? old : young;
          NamespacedMemcached invalidator = thread % 2 == 0 ? young : old;
          for (int i = 0; i < 150; i++) {
            String key = "fan:" + (i % 10); // ten keys shared by all threads: writes and deletes interleave
            String own = "fan:" + thread + ":" + i;
            writer.set(own, "v" + i, 60);
            // another thread's write of a shared key may land at any time; our own key has no other writer
            writer.set(key, "v" + i, 60);
            invalidator.delete(own);
            if (writer.get(own) != null || invalidator.get(own) != null) {
              stale.incrementAndGet();
            }
          }
          return null;
        }));
      }
      for (Future<?> f : work) {
        f.get(60, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    assertEquals(0, stale.get(), "copies that survived a fan-out delete");
    for (int i = 0; i < 10; i++) {
      young.delete("fan:" + i);
      assertNull(raw("shop:2:fan:" + i));
      assertNull(raw("shop:3:fan:" + i));
    }
  }

  @Test
  void dualWriteFailureInOneNamespaceDeletesTheOtherCopies() throws Exception {
    Namespace longPrefix = Namespace.builder(KeyScheme.prefix("x".repeat(200) + ":"), PythonVersion.PY3_8)
        .name("long").build();
    NamespaceGroup dual = NamespaceGroup.of(MigrationMode.DUAL_WRITE, PY27, longPrefix);
    NamespacedMemcached mc = view(dual, PY27, ValueOptions.defaults());
    mc.set("dw:short", "both", 60);
    assertEquals("both", mc.get("dw:short"));
    assertEquals("both", view(dual, longPrefix, ValueOptions.defaults()).get("dw:short"));

    String key = "dw:" + "k".repeat(60); // fits shop:2:, not the 201-byte prefix
    view(GROUP, PY27, ValueOptions.defaults()).set(key, "previous", 60);
    NamespaceException e = assertThrows(NamespaceException.class, () -> mc.set(key, "next", 60));
    assertEquals("dual-write-failed", e.code());
    assertTrue(e.getMessage().startsWith("dual write of key '" + key + "' failed in namespace long: memcached key"
        + " is 264 bytes of UTF-8, over the 250-byte limit"), e.getMessage());
    assertNull(raw("shop:2:" + key), "the copy written before the failure must be gone");
  }

  @Test
  void readThroughServesLoadableCopiesAndBackfillsButNeverAnUnsafeOne() throws Exception {
    NamespaceGroup rt = NamespaceGroup.of(MigrationMode.READ_THROUGH, PY38, PY27);
    Servers.Recorder rec = new Servers.Recorder();
    NamespacedMemcached young = view(rt, PY38, ValueOptions.builder().listener(rec).build());
    view(GROUP, PY27, ValueOptions.defaults()).set("rt:ok", "from 2.7", 60);
    assertEquals("from 2.7", young.get("rt:ok"));
    MemcachedValue backfilled = raw("shop:3:rt:ok");
    assertEquals(16, backfilled.flags());

    client.set("shop:2:rt:bad", 0, new MemcachedValue(1 | 64, new byte[] {'.'}), RawTranscoder.INSTANCE, 1_000);
    assertNull(young.get("rt:bad"));
    assertNull(raw("shop:3:rt:bad"), "a rejected payload must never be backfilled");
    assertEquals("payload at key 'shop:2:rt:bad' in namespace shop:2 (read through for namespace shop:3)"
        + " rejected: memcached flags 0x41 have bits no Python client sets (known: 1 pickle, 2 int, 4 long,"
        + " 8 zlib, 16 text)", rec.seen.get(0).message());
    Map<String, Object> multi = young.getMulti(List.of("rt:ok", "rt:bad"));
    assertEquals(Map.of("rt:ok", "from 2.7"), multi);
  }

  @Test
  void countersAreIntegersPythonReads(MemcachedServer server) {
    NamespacedMemcached mc = view(PY27);
    mc.delete("ctr");
    assertEquals(10, mc.incr("ctr", 5, 10, 60));
    assertEquals(15, mc.incr("ctr", 5, 10, 60));
    assertEquals(12, mc.decr("ctr", 3, 0, 60));
    assertTrue(mc.touch("ctr", 120));
    assertFalse(mc.add("ctr", 1, 60));
    Map<String, Map<String, Object>> rows = Servers.runForKeys(Pythons.require("2.7"), "memcached_read.py",
        new byte[0], Servers.args(server.host(), server.port(), List.of("shop:2:ctr")));
    assertEquals("12", rows.get("shop:2:ctr").get("repr"));
    assertEquals(2, rows.get("shop:2:ctr").get("flags"));
    mc.set("text-ctr", "twelve", 60);
    NamespaceException e = assertThrows(NamespaceException.class, () -> mc.incr("text-ctr", 1, 0, 60));
    assertEquals("server-error", e.code());
    assertTrue(e.getMessage().startsWith("memcached refused incr of key 'shop:2:text-ctr': "), e.getMessage());
  }

  @Test
  void serverRestartFailsClearlyThenRecoversWithoutWritingAWrongNamespace(MemcachedServer server)
      throws Exception {
    NamespacedMemcached young = view(PY38);
    young.set("rs:before", "x", 60);
    server.stop();
    try {
      NamespaceException e = assertThrows(NamespaceException.class, () -> young.set("rs:during", "y", 60));
      assertEquals("server-unavailable", e.code());
      assertTrue(e.getMessage().startsWith("memcached set of key 'shop:3:rs:during'"), e.getMessage());
      assertThrows(NamespaceException.class, () -> young.get("rs:before"));
      NamespaceException d = assertThrows(NamespaceException.class, () -> young.delete("rs:before"));
      assertEquals("server-unavailable", d.code());
      assertTrue(d.getMessage().startsWith("memcached delete of key 'shop:2:rs:before' failed: "), d.getMessage());
    } finally {
      server.start();
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
    while (true) {
      try {
        young.set("rs:after", "z", 60);
        break;
      } catch (NamespaceException e) {
        if (System.nanoTime() > deadline) {
          throw e;
        }
        Thread.sleep(100);
      }
    }
    assertEquals("z", young.get("rs:after"));
    assertNull(raw("shop:2:rs:after"));
    assertNull(raw("shop:2:rs:during"));
    assertNull(raw("rs:after"));
    assertTrue(young.delete("rs:after"), "the pipelined fan-out delete works again after the restart");
    assertNull(raw("shop:3:rs:after"));
  }

  @Test
  void pythonTranscoderGivesXmemcachedItselfThePythonClientsWireFormat(MemcachedServer server) throws Exception {
    PythonTranscoder t = view(PY38).transcoder();
    assertTrue(client.set("shop:3:tc:text", 60, "caf\u00e9", t));
    assertTrue(client.set("shop:3:tc:int", 60, 7L, t));
    assertTrue(client.set("shop:3:tc:list", 60, List.of(1L, "x"), t));
    Map<String, Map<String, Object>> rows = Servers.runForKeys(Pythons.system("pymemcache"), "pymemcache_read.py",
        new byte[0], Servers.args(server.host(), server.port(),
            List.of("shop:3:tc:text", "shop:3:tc:int", "shop:3:tc:list")));
    assertEquals("'caf\u00e9'", rows.get("shop:3:tc:text").get("repr"));
    assertEquals("7", rows.get("shop:3:tc:int").get("repr"));
    assertEquals("[1, 'x']", rows.get("shop:3:tc:list").get("repr"));

    Pythons.system("pymemcache").runChecked(PythonScripts.load("pymemcache_write.py"), Servers.jsonLines(List.of(
        List.of("shop:3:tc:py", "{'b': (1, 2.5)}"))), server.host(), Integer.toString(server.port()), "5");
    assertEquals(Map.of("b", dev.cachecompat.pickle.PyTuple.of(1L, 2.5)), client.get("shop:3:tc:py", 1_000L, t));
    client.set("shop:3:tc:odd", 0, new MemcachedValue(64, new byte[] {1}), RawTranscoder.INSTANCE, 1_000);
    assertNull(client.get("shop:3:tc:odd", 1_000L, t), "a rejected payload is a miss through the transcoder too");
  }

  @Test
  void hashPolicyStoresAnOverlongKeyWherePython27ComputesIt(MemcachedServer server) throws Exception {
    NamespacedMemcached mc = NamespacedMemcached.builder(client, GROUP, "shop:2")
        .keyPolicy(MemcachedKeyPolicy.HASH).timeoutMillis(1_000).build();
    String key = "report for " + "\u00e9".repeat(150);
    mc.set(key, "hashed", 60);
    assertTrue(mc.wireKey(key).startsWith("shop:2:report#"), mc.wireKey(key));
    String driver = PythonScripts.load("memcached_key.py") + String.join("\n",
        "",
        "import json, socket, sys",
        "raw = json.loads(sys.stdin.read())",
        "key = wire_key(raw).encode('utf-8')",
        "s = socket.create_connection((sys.argv[1], int(sys.argv[2])))",
        "s.sendall(b'get ' + key + b'\\r\\n')",
        "f = s.makefile('rb')",
        "head = f.readline().split()",
        "data = f.read(int(head[3]))",
        "print(json.dumps({'key': key.decode('utf-8'), 'flags': int(head[2]), 'value': data.decode('utf-8')}))",
        "");
    String out = new String(Pythons.require("2.7").runChecked(driver,
        ("\"shop:2:" + key.replace("\u00e9", "\\u00e9") + "\"").getBytes(java.nio.charset.StandardCharsets.UTF_8),
        server.host(), Integer.toString(server.port())), java.nio.charset.StandardCharsets.UTF_8).trim();
    Map<?, ?> row = Servers.JSON.readValue(out, Map.class);
    assertEquals(Map.of("key", mc.wireKey(key), "flags", 16, "value", "hashed"), row, "Python computed the same key");
    assertEquals("hashed", mc.get(key));
    assertTrue(mc.delete(key));
    assertNull(mc.get(key));
  }
}
