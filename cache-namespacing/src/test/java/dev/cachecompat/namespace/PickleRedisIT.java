package dev.cachecompat.namespace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cachecompat.core.PythonVersion;
import dev.cachecompat.pickle.PyTuple;
import dev.cachecompat.testsupport.PythonInterpreter;
import dev.cachecompat.testsupport.Pythons;
import dev.cachecompat.testsupport.RealServers;
import dev.cachecompat.testsupport.RedisServer;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.resource.ClientResources;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Structured values in pickle namespaces on Redis, against redis-py and a Python 2.7 RESP reader. */
@RealServers
class PickleRedisIT {
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
    return NamespacedRedis.builder(bytes, group, own.name()).options(options).build();
  }

  @Test
  void javaWritesEveryFormatAndEachReaderGenerationLoadsIt(RedisServer server) {
    // one dual write puts each namespace's own encoding in place (a write in OWN mode deletes the others' copies)
    view(GROUP.withMode(MigrationMode.DUAL_WRITE), PY38, ValueOptions.defaults())
        .set("obj", PickleMemcachedIT.sample(), Duration.ofMinutes(1));
    Map<String, Map<String, Object>> rows = Servers.runForKeys(Pythons.require("2.7"), "redis_read.py",
        Servers.jsonLines(List.of(List.of("shop:2:obj", PickleMemcachedIT.PY2_SAMPLE, false))),
        Servers.args(server.host(), server.port(), List.of("shop:2:obj")));
    assertEquals(true, rows.get("shop:2:obj").get("equal"), rows.get("shop:2:obj").toString());
    PythonInterpreter py38 = Pythons.require("3.8");
    rows = Servers.runForKeys(py38, "redis_read.py",
        Servers.jsonLines(List.of(List.of("shop:3:obj", PickleMemcachedIT.PY3_SAMPLE, false))),
        Servers.args(server.host(), server.port(), List.of("shop:3:obj")));
    assertEquals(true, rows.get("shop:3:obj").get("equal"), rows.get("shop:3:obj").toString());
    rows = Servers.runForKeys(Pythons.system("redis"), "redis_py_read.py",
        Servers.jsonLines(List.of(List.of("shop:3:obj", PickleMemcachedIT.PY3_SAMPLE, false),
            List.of("shop:2:obj", PickleMemcachedIT.PY3_SAMPLE, false))),
        Servers.args(server.host(), server.port(), List.of("shop:3:obj", "shop:2:obj")));
    assertEquals(true, rows.get("shop:3:obj").get("equal"), "redis-py: " + rows.get("shop:3:obj"));
    assertEquals(true, rows.get("shop:2:obj").get("equal"), "redis-py: " + rows.get("shop:2:obj"));
  }

  @Test
  void redisPyWritesDjangoStylePicklesJavaReadsThem(RedisServer server) {
    Pythons.system("redis").runChecked(PythonScripts.load("redis_write.py"), Servers.jsonLines(List.of(
        List.of("shop:3:py", "{'a': [1, 2.5, 'x', (1,), None, True]}"))),
        server.host(), Integer.toString(server.port()), "5");
    Pythons.system("redis").runChecked(PythonScripts.load("redis_write.py"), Servers.jsonLines(List.of(
        List.of("shop:2:py", "{'t': (1, 'x')}"))), server.host(), Integer.toString(server.port()), "2");
    Map<String, Object> a = new java.util.LinkedHashMap<>();
    a.put("a", new ArrayList<>(java.util.Arrays.asList(1L, 2.5, "x", PyTuple.of(1L), null, true)));
    assertEquals(a, view(GROUP, PY38, ValueOptions.defaults()).get("py"));
    assertEquals(Map.of("t", PyTuple.of(1L, "x")), view(GROUP, PY27, ValueOptions.defaults()).get("py"));
  }

  @Test
  void readThroughTranscodesAndKeepsTtlButNeverServesAnUnsafePickle() {
    byte[] evil = Pythons.system().runChecked("import os, pickle, sys\n"
        + "class E(object):\n    def __reduce__(self):\n        return (os.system, ('true',))\n"
        + "sys.stdout.buffer.write(pickle.dumps(E(), 5))", new byte[0]);
    RedisCommands<byte[], byte[]> r = bytes.sync();
    r.set("shop:3:evil".getBytes(StandardCharsets.UTF_8), evil);
    Servers.Recorder rec = new Servers.Recorder();
    NamespacedRedis old = view(NamespaceGroup.of(MigrationMode.READ_THROUGH, PY27, PY38), PY27,
        ValueOptions.builder().listener(rec).build());
    assertNull(old.get("evil"));
    assertNull(r.get("shop:2:evil".getBytes(StandardCharsets.UTF_8)), "never backfilled");
    assertEquals("unsafe-payload", rec.seen.get(0).code());

    view(GROUP, PY38, ValueOptions.defaults()).set("fine", PickleMemcachedIT.sample(), Duration.ofSeconds(90));
    assertEquals(PickleMemcachedIT.sample(), old.get("fine"));
    byte[] backfilled = r.get("shop:2:fine".getBytes(StandardCharsets.UTF_8));
    assertEquals(2, backfilled[1], "transcoded to protocol 2 for the 2.7 readers");
    long pttl = old.pttl("fine");
    assertTrue(pttl > 80_000 && pttl <= 90_000, "PTTL " + pttl);
  }
}
