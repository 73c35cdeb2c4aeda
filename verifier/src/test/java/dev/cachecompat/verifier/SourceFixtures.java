package dev.cachecompat.verifier;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cachecompat.testsupport.Pythons;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Fills real servers with real Python clients and checks what the sources found against what Python wrote. */
final class SourceFixtures {
  private SourceFixtures() {}

  /** One entry as the Python writer describes it. */
  record Expected(String keyHex, String type, byte[] value, Integer flags, Long ttl) {}

  /**
   * Writes, with redis-py: pickles of protocols 2 and 5, an int, JSON, a binary key, a list and a hash, keys with a
   * TTL, and {@code bulk} small strings. argv: host port cluster(0/1) bulk. Prints the manifest as JSON.
   */
  static final String REDIS_FILL = """
      import sys, json, pickle, redis, redis.cluster
      host, port, cluster, bulk = sys.argv[1], int(sys.argv[2]), sys.argv[3] == '1', int(sys.argv[4])
      r = redis.cluster.RedisCluster(host=host, port=port) if cluster else redis.Redis(host=host, port=port)
      if cluster:
          r.flushall(target_nodes=redis.cluster.RedisCluster.PRIMARIES)
      else:
          r.flushall()
      out = []
      def s(k, v, ttl=None):
          r.set(k, v, ex=ttl)
          out.append(dict(key=k.hex(), type='string', value=v.hex(), ttl=ttl))
      s(b'shop:2:user:1', pickle.dumps({'name': u'Ann', 'ids': [1, 2]}, protocol=2))
      s(b'shop:3:user:1', pickle.dumps({'name': 'Ann', 'blob': b'x' * 10}, protocol=5))
      s(b'counter', b'42')
      s(b'json:cfg', json.dumps({'a': [1, 2.5, None]}).encode())
      s(b'bin\\xff\\x00key', b'\\x00\\x01\\xfe')
      s(b'session:9', pickle.dumps(('tok', 3), protocol=2), ttl=100)
      s(b'empty', b'')
      s(b'compressible', b'abcdefgh' * 2000 + b'tail')  # an RDB writes it LZF-compressed
      s(b'int:32', b'-2147483648')  # and these as integers
      s(b'int:16', b'-300')
      r.rpush(b'queue', b'a', b'b')
      out.append(dict(key=b'queue'.hex(), type='list', value=None, ttl=None))
      r.hset(b'profile', mapping={b'f': b'v', b'g': b'w'})
      r.expire(b'profile', 200)
      out.append(dict(key=b'profile'.hex(), type='hash', value=None, ttl=200))
      r.sadd(b'tags', b'x')
      out.append(dict(key=b'tags'.hex(), type='set', value=None, ttl=None))
      r.zadd(b'scores', {b'a': 1.5, b'b': 2})
      out.append(dict(key=b'scores'.hex(), type='zset', value=None, ttl=None))
      r.xadd(b'events', {b'f': b'v'})
      out.append(dict(key=b'events'.hex(), type='stream', value=None, ttl=None))
      p = r.pipeline(transaction=False)
      for i in range(bulk):
          k, v = b'bulk:%d' % i, pickle.dumps(i, protocol=2)
          p.set(k, v)
          out.append(dict(key=k.hex(), type='string', value=v.hex(), ttl=None))
      p.execute()
      print(json.dumps(out))
      """;

  /**
   * Writes, with pymemcache and its pickle serde (flags 0 bytes, 1 pickle, 2 int, 16 text), raw sets with custom
   * flags and exptimes, a UTF-8 key, and {@code bulk} small pickles. argv: host port bulk. Prints the manifest.
   */
  static final String MEMCACHED_FILL = """
      import sys, json, pickle
      from pymemcache.client.base import Client
      from pymemcache import serde
      host, port, bulk = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
      c = Client((host, port), serde=serde.pickle_serde, default_noreply=False, allow_unicode_keys=True)
      raw = Client((host, port), default_noreply=False, allow_unicode_keys=True)
      c.flush_all()
      out = []
      def typed(k, v, ttl=0):
          data, flags = serde.pickle_serde.serialize(k, v)
          if isinstance(data, str):
              data = data.encode('utf-8')
          assert c.set(k, v, expire=ttl)
          out.append(dict(key=k.encode('utf-8').hex(), value=data.hex(), flags=flags, ttl=ttl or None))
      def rawset(k, v, flags, ttl=0):
          assert raw.set(k, v, expire=ttl, flags=flags)
          out.append(dict(key=k.encode('utf-8').hex(), value=v.hex(), flags=flags, ttl=ttl or None))
      typed('shop:3:user:1', {'name': 'Ann', 'ids': [1, 2]})
      typed('shop:3:count', 42)
      typed('shop:3:title', u'caf\\u00e9')
      typed('shop:3:raw', b'\\x00\\x01')
      typed('shop:3:session', ('tok', 3), ttl=100)
      rawset('custom:flags', b'hello', 12345)
      rawset('custom:max-flags', b'x', 4294967295, ttl=300)
      rawset('caf\\u00e9:key', b'utf8 key', 0)
      rawset('empty', b'', 0)
      for i in range(bulk):
          typed('bulk:%d' % i, {'i': i})
      print(json.dumps(out))
      """;

  static List<Expected> fillMemcached(String host, int port, int bulk) {
    return manifest(Pythons.system("pymemcache").runChecked(MEMCACHED_FILL, new byte[0], host,
        Integer.toString(port), Integer.toString(bulk)));
  }

  static List<Expected> fillRedis(String host, int port, boolean cluster, int bulk) {
    byte[] out = Pythons.system("redis").runChecked(REDIS_FILL, new byte[0], host, Integer.toString(port),
        cluster ? "1" : "0", Integer.toString(bulk));
    return manifest(out);
  }

  static List<Expected> manifest(byte[] json) {
    try {
      List<Expected> list = new ArrayList<>();
      for (JsonNode n : new ObjectMapper().readTree(json)) {
        list.add(new Expected(n.get("key").asText(), n.path("type").isNull() || n.path("type").isMissingNode()
            ? null : n.get("type").asText(),
            n.get("value").isNull() ? null : HexFormat.of().parseHex(n.get("value").asText()),
            n.path("flags").isNumber() ? n.get("flags").asInt() : null,
            n.get("ttl").isNull() ? null : n.get("ttl").asLong()));
      }
      return list;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Scans the whole source into a map by hex key, failing on a duplicate. */
  static Map<String, RawEntry> scanAll(ScanSource source) {
    Map<String, RawEntry> got = new LinkedHashMap<>();
    source.forEach(e -> {
      RawEntry old = got.put(HexFormat.of().formatHex(e.key()), e);
      assertNull(old, () -> "delivered twice: " + e);
      return true;
    });
    return got;
  }

  /** Every expected entry was found with its type, value bytes, flags and TTL (within 3 s); nothing else. */
  static void assertMatches(List<Expected> expected, Map<String, RawEntry> got) {
    for (Expected x : expected) {
      RawEntry e = got.get(x.keyHex());
      assertNotNull(e, () -> "not found: " + RawEntry.display(HexFormat.of().parseHex(x.keyHex())));
      assertEquals(x.type(), e.redisType(), e::toString);
      assertArrayEquals(x.value(), e.value(), e::toString);
      assertEquals(x.flags(), e.flags(), e::toString);
      if (x.ttl() == null) {
        assertNull(e.ttlSeconds(), e::toString);
      } else {
        assertNotNull(e.ttlSeconds(), e::toString);
        assertTrue(e.ttlSeconds() <= x.ttl() && e.ttlSeconds() >= x.ttl() - 3, e::toString);
      }
    }
    assertEquals(expected.size(), got.size(), "entries found");
  }
}
