package dev.cachecompat.namespace;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cachecompat.core.PythonVersion;
import dev.cachecompat.pickle.PyTuple;
import dev.cachecompat.testsupport.MemcachedServer;
import dev.cachecompat.testsupport.PythonInterpreter;
import dev.cachecompat.testsupport.Pythons;
import dev.cachecompat.testsupport.RealServers;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.rubyeye.xmemcached.MemcachedClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Structured values in pickle namespaces on memcached, against real Python on the other side. */
@RealServers
class PickleMemcachedIT {
  static final Namespace PY27 = Namespace.django("shop", 2, PythonVersion.PY2_7);
  static final Namespace PY30 = Namespace.django("shop", 30, PythonVersion.PY3_0);
  static final Namespace PY34 = Namespace.django("shop", 4, PythonVersion.PY3_4);
  static final Namespace PY38 = Namespace.django("shop", 3, PythonVersion.PY3_8);
  static final NamespaceGroup GROUP = NamespaceGroup.of(MigrationMode.OWN, PY27, PY30, PY34, PY38);

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
    return NamespacedMemcached.builder(client, group, own.name()).options(options).build();
  }

  static Map<String, Object> sample() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("name", "caf\u00e9 \u65e5");
    m.put("n", 42L);
    m.put("f", 1.5);
    m.put("items", new ArrayList<>(Arrays.asList(1L, "x", null, true)));
    m.put("t", PyTuple.of(1L, 2L));
    return m;
  }

  static final String PY3_SAMPLE = "{'name': 'caf\\u00e9 \\u65e5', 'n': 42, 'f': 1.5, 'items': [1, 'x', None, True],"
      + " 't': (1, 2)}";
  static final String PY2_SAMPLE = "{u'name': u'caf\\xe9 \\u65e5', u'n': 42, u'f': 1.5, u'items': [1, u'x', None,"
      + " True], u't': (1, 2)}";

  @Test
  void everyPickleNamespaceIsLoadedByItsOldestReader(MemcachedServer server) {
    for (Namespace ns : List.of(PY27, PY30, PY34, PY38)) {
      NamespacedMemcached mc = view(GROUP, ns, ValueOptions.defaults());
      mc.set("obj", sample(), 60);
      mc.set("blob", List.of(new byte[] {0, (byte) 0xff}), 60);
      // the oldest installed interpreter the namespace promises to serve (3.6 is the oldest 3.x installed)
      PythonInterpreter py = Pythons.require(ns == PY27 ? "2.7" : ns == PY38 ? "3.8" : "3.6");
      String sampleExpr = ns.readers().isPython2() ? PY2_SAMPLE : PY3_SAMPLE;
      String blobExpr = ns.readers().isPython2() ? "['\\x00\\xff']" : "[b'\\x00\\xff']";
      String prefix = ns.scheme().rawPrefix();
      Map<String, Map<String, Object>> rows = Servers.runForKeys(py, "memcached_read.py",
          Servers.jsonLines(List.of(List.of(prefix + "obj", sampleExpr, false),
              List.of(prefix + "blob", blobExpr, false))),
          Servers.args(server.host(), server.port(), List.of(prefix + "obj", prefix + "blob")));
      assertEquals(true, rows.get(prefix + "obj").get("equal"), py + " read " + rows.get(prefix + "obj"));
      assertEquals(true, rows.get(prefix + "blob").get("equal"), py + " read " + rows.get(prefix + "blob"));
      assertEquals(1, rows.get(prefix + "obj").get("flags"));
      assertEquals(ns.pickleProtocol(), pickleProtocol(prefix + "obj"));
    }
  }

  static int pickleProtocol(String wireKey) {
    try {
      MemcachedValue v = client.get(wireKey, 1_000, RawTranscoder.INSTANCE);
      return v.data()[0] == (byte) 0x80 ? v.data()[1] : 0;
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void pymemcacheLoadsJavaPickles(MemcachedServer server) {
    view(GROUP, PY38, ValueOptions.defaults()).set("pm:obj", sample(), 60);
    Map<String, Map<String, Object>> rows = Servers.runForKeys(Pythons.system("pymemcache"), "pymemcache_read.py",
        new byte[0], Servers.args(server.host(), server.port(), List.of("shop:3:pm:obj")));
    assertEquals("dict", rows.get("shop:3:pm:obj").get("type"), rows.toString());
    assertEquals(PY3_SAMPLE.replace("\\u00e9", "\u00e9").replace("\\u65e5", "\u65e5"),
        rows.get("shop:3:pm:obj").get("repr"));
  }

  @Test
  void pymemcachePicklesAreReadBack(MemcachedServer server) {
    PythonInterpreter py = Pythons.system("pymemcache");
    py.runChecked(PythonScripts.load("pymemcache_write.py"), Servers.jsonLines(List.of(
        List.of("shop:3:py:obj", "{'a': [1, 2.5, 'x', (1,), None, True], 'big': 2**70}"),
        List.of("shop:3:py:bytes", "[b'\\x00\\xff']"))),
        server.host(), Integer.toString(server.port()), "5");
    py.runChecked(PythonScripts.load("pymemcache_write.py"), Servers.jsonLines(List.of(
        List.of("shop:2:py:obj", "{'a': (1, 'x')}"))), server.host(), Integer.toString(server.port()), "2");
    Object obj = view(GROUP, PY38, ValueOptions.defaults()).get("py:obj");
    Map<String, Object> want = new LinkedHashMap<>();
    want.put("a", new ArrayList<>(Arrays.asList(1L, 2.5, "x", PyTuple.of(1L), null, true)));
    want.put("big", java.math.BigInteger.TWO.pow(70));
    assertEquals(want, obj);
    assertArrayEquals(new byte[] {0, (byte) 0xff},
        (byte[]) ((List<?>) view(GROUP, PY38, ValueOptions.defaults()).get("py:bytes")).get(0));
    assertEquals(Map.of("a", PyTuple.of(1L, "x")), view(GROUP, PY27, ValueOptions.defaults()).get("py:obj"));
  }

  @Test
  void protocol5PickleInAPython27NamespaceIsRejected(MemcachedServer server) {
    Pythons.system("pymemcache").runChecked(PythonScripts.load("pymemcache_write.py"), Servers.jsonLines(List.of(
        List.of("shop:2:p5", "{'a': 1}"))), server.host(), Integer.toString(server.port()), "5");
    Servers.Recorder rec = new Servers.Recorder();
    assertNull(view(GROUP, PY27, ValueOptions.builder().listener(rec).build()).get("p5"));
    assertEquals("unreadable-by-readers", rec.seen.get(0).code());
    assertTrue(rec.seen.get(0).message().endsWith("pickle protocol 5 needs Python 3.8 but namespace shop:2 is read"
        + " by Python 2.7"), rec.seen.get(0).message());
  }

  @Test
  void readThroughNeverServesAnUnsafePickle(MemcachedServer server) throws Exception {
    byte[] evil = Pythons.system().runChecked("import os, pickle, sys\n"
        + "class E(object):\n    def __reduce__(self):\n        return (os.system, ('true',))\n"
        + "sys.stdout.buffer.write(pickle.dumps(E(), 2))", new byte[0]);
    client.set("shop:2:evil", 60, new MemcachedValue(1, evil), RawTranscoder.INSTANCE, 1_000);
    Servers.Recorder rec = new Servers.Recorder();
    NamespacedMemcached young = view(NamespaceGroup.of(MigrationMode.READ_THROUGH, PY38, PY27), PY38,
        ValueOptions.builder().listener(rec).build());
    assertNull(young.get("evil"));
    assertNull(client.get("shop:3:evil", 1_000, RawTranscoder.INSTANCE), "never backfilled");
    assertEquals("unsafe-payload", rec.seen.get(0).code());
    assertEquals("payload at key 'shop:2:evil' in namespace shop:2 (read through for namespace shop:3) rejected:"
        + " unsafe pickle (dangerous-global): GLOBAL at offset 2 references posix.system, which can run code or do"
        + " I/O when loaded (module posix runs code or does I/O)", rec.seen.get(0).message());
    NamespacedMemcached strict = view(NamespaceGroup.of(MigrationMode.READ_THROUGH, PY38, PY27), PY38,
        ValueOptions.builder().strict(true).build());
    NamespaceException e = assertThrows(NamespaceException.class, () -> strict.get("evil"));
    assertEquals("unsafe-payload", e.code());

    view(GROUP, PY27, ValueOptions.defaults()).set("fine", sample(), 60);
    NamespaceGroup rt = NamespaceGroup.of(MigrationMode.READ_THROUGH, PY38, PY27);
    assertEquals(sample(), view(rt, PY38, ValueOptions.defaults()).get("fine"));
    MemcachedValue backfilled = client.get("shop:3:fine", 1_000, RawTranscoder.INSTANCE);
    assertEquals((byte) 0x80, backfilled.data()[0]);
    assertEquals(5, backfilled.data()[1], "transcoded to the 3.8 namespace's protocol");
  }

  @Test
  void migratorTranscodesProtocol5PicklesForPython27(MemcachedServer server) {
    Namespace from = Namespace.django("mig5", 3, PythonVersion.PY3_8);
    Namespace to = Namespace.django("mig5", 2, PythonVersion.PY2_7);
    NamespaceGroup g = NamespaceGroup.of(MigrationMode.OWN, from, to);
    NamespacedMemcached young = view(g, from, ValueOptions.defaults());
    for (int i = 0; i < 30; i++) {
      young.set("o" + i, sample(), 600);
    }
    MigrationResult r = NamespaceMigrator.memcached(client, MemcachedKeyPolicy.REJECT).build().migrate(from, to);
    assertEquals(30, r.copied(), r.toString());
    Map<String, Map<String, Object>> rows = Servers.runForKeys(Pythons.require("2.7"), "memcached_read.py",
        Servers.jsonLines(List.of(List.of("mig5:2:o7", PY2_SAMPLE, false))),
        Servers.args(server.host(), server.port(), List.of("mig5:2:o7")));
    assertEquals(true, rows.get("mig5:2:o7").get("equal"), rows.get("mig5:2:o7").toString());
  }
}
