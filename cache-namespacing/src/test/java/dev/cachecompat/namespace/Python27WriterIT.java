package dev.cachecompat.namespace;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.cachecompat.core.PythonVersion;
import dev.cachecompat.pickle.PyTuple;
import dev.cachecompat.testsupport.MemcachedServer;
import dev.cachecompat.testsupport.Pythons;
import dev.cachecompat.testsupport.RealServers;
import dev.cachecompat.testsupport.RedisServer;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.resource.ClientResources;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.rubyeye.xmemcached.MemcachedClient;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A Python 2.7 worker writes into its namespace as its libraries do (python-memcached, django-redis; pickle
 * protocols 0 and 2) and the JVM reads every value back, in strict mode so that any rejection fails the test.
 */
@RealServers
class Python27WriterIT {
  static final Namespace PY27 = Namespace.django("shop", 2, PythonVersion.PY2_7);
  static final Namespace PY38 = Namespace.django("shop", 3, PythonVersion.PY3_8);
  static final NamespaceGroup GROUP = NamespaceGroup.of(MigrationMode.OWN, PY27, PY38);
  static final ValueOptions STRICT = ValueOptions.builder().strict(true).build();

  static final List<List<String>> VALUES = List.of(
      List.of("str", "'caf\\xc3\\xa9'"),
      List.of("uni", "u'caf\\xe9 \\u65e5'"),
      List.of("int", "42"),
      List.of("long", "2**70"),
      List.of("small-long", "-5L"),
      List.of("bool", "True"),
      List.of("float", "1.5"),
      List.of("obj", "{u'name': u'caf\\xe9', u'tags': (1, 2.5, None), u'n': 2**70, u'raw': 'ab'}"));

  static byte[] rows(String prefix) {
    List<List<String>> rows = new ArrayList<>();
    for (List<String> v : VALUES) {
      rows.add(List.of(PY27.rawKey(prefix + v.get(0)), v.get(1)));
    }
    return Servers.jsonLines(rows);
  }

  static Map<String, Object> expectedObject() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("name", "caf\u00e9");
    m.put("tags", PyTuple.of(1L, 2.5, null));
    m.put("n", BigInteger.TWO.pow(70));
    m.put("raw", new byte[] {'a', 'b'});
    return m;
  }

  /** Compares maps whose values may be byte arrays. */
  static void assertSameObject(Map<String, Object> want, Object got) {
    @SuppressWarnings("unchecked")
    Map<String, Object> map = (Map<String, Object>) got;
    assertEquals(want.keySet(), map.keySet());
    for (String k : want.keySet()) {
      if (want.get(k) instanceof byte[]) {
        assertArrayEquals((byte[]) want.get(k), (byte[]) map.get(k), k);
      } else {
        assertEquals(want.get(k), map.get(k), k);
      }
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 2})
  void memcachedValuesOfAPython27WorkerAreReadBack(int protocol, MemcachedServer server) {
    String p = "m" + protocol + ":";
    Pythons.require("2.7").runChecked(PythonScripts.load("py27_write.py"), rows(p), "memcached", server.host(),
        Integer.toString(server.port()), Integer.toString(protocol));
    MemcachedClient client = Servers.memcached(server);
    try {
      NamespacedMemcached mc = NamespacedMemcached.builder(client, GROUP, "shop:2").options(STRICT).build();
      assertArrayEquals("caf\u00e9".getBytes(StandardCharsets.UTF_8), (byte[]) mc.get(p + "str"));
      assertEquals("caf\u00e9 \u65e5", mc.get(p + "uni"));
      assertEquals(42L, mc.get(p + "int"));
      assertEquals(BigInteger.TWO.pow(70), mc.get(p + "long"));
      assertEquals(-5L, mc.get(p + "small-long"));
      assertEquals(1L, mc.get(p + "bool"), "python-memcached stores a bool as the int it is");
      assertEquals(1.5, mc.get(p + "float"));
      assertSameObject(expectedObject(), mc.get(p + "obj"));
      Map<String, Object> multi = mc.getMulti(Arrays.asList(p + "int", p + "uni"));
      assertEquals(Map.of(p + "int", 42L, p + "uni", "caf\u00e9 \u65e5"), multi);
    } finally {
      Servers.shutdown(client);
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 2})
  void redisValuesOfAPython27WorkerAreReadBack(int protocol, RedisServer server) throws Exception {
    String p = "r" + protocol + ":";
    Pythons.require("2.7").runChecked(PythonScripts.load("py27_write.py"), rows(p), "redis", server.host(),
        Integer.toString(server.port()), Integer.toString(protocol));
    ClientResources res = Lettuce.resources();
    RedisClient client = Lettuce.standalone(res, server);
    try (StatefulRedisConnection<byte[], byte[]> c = client.connect(ByteArrayCodec.INSTANCE)) {
      NamespacedRedis r = NamespacedRedis.builder(c, GROUP, "shop:2").options(STRICT).build();
      assertArrayEquals("caf\u00e9".getBytes(StandardCharsets.UTF_8), (byte[]) r.get(p + "str"));
      assertEquals("caf\u00e9 \u65e5", r.get(p + "uni"));
      assertEquals(42L, r.get(p + "int"));
      assertEquals(BigInteger.TWO.pow(70), r.get(p + "long"));
      assertEquals(-5L, r.get(p + "small-long"));
      assertEquals(Boolean.TRUE, r.get(p + "bool"), "django-redis pickles a bool");
      assertEquals(1.5, r.get(p + "float"));
      assertSameObject(expectedObject(), r.get(p + "obj"));
      assertEquals(Map.of(p + "int", 42L, p + "uni", "caf\u00e9 \u65e5"),
          r.getMultiAsync(List.of(p + "int", p + "uni")).get());
    } finally {
      Lettuce.shutdown(res, client);
    }
  }
}
