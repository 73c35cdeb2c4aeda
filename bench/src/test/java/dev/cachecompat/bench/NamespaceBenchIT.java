package dev.cachecompat.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cachecompat.pickle.PickleDecoder;
import dev.cachecompat.testsupport.MemcachedServer;
import dev.cachecompat.testsupport.RealServers;
import dev.cachecompat.testsupport.RedisServer;
import org.junit.jupiter.api.Test;

/** Runs each namespaced-client benchmark body once against real servers (not JMH): the smoke run, no timing. */
@RealServers
class NamespaceBenchIT {
  @Test
  void everyBenchmarkBodyRunsAndNamespacedAndBareReadTheSameValue(RedisServer redis, MemcachedServer memcached)
      throws Exception {
    System.setProperty("bench.redis", redis.host() + ":" + redis.port());
    System.setProperty("bench.memcached", memcached.host() + ":" + memcached.port());
    for (String value : new String[] {"bytes", "profile"}) {
      NamespaceBench b = new NamespaceBench();
      b.value = value;
      b.setUp();
      try {
        b.redisSet();
        b.redisSetBare();
        b.memcachedSet();
        b.memcachedSetBare();
        Object expected = value.equals("bytes") ? b.pickled : PickleDecoder.defaults().decode(b.pickled);
        if (value.equals("bytes")) {
          assertArrayEquals(b.pickled, (byte[]) b.memcachedGet(), "memcached namespaced");
          assertArrayEquals(b.pickled, (byte[]) b.memcachedGetBare(), "memcached bare");
          b.redisSet(); // the bare SET overwrote the shared wire key with unwrapped bytes
          assertArrayEquals(b.pickled, (byte[]) b.redisGet(), "redis namespaced");
        } else {
          assertEquals(expected, b.memcachedGet(), "memcached namespaced");
          assertArrayEquals(b.pickled, (byte[]) b.memcachedGetBare(), "memcached bare");
          b.redisSet();
          assertEquals(expected, b.redisGet(), "redis namespaced");
        }
        byte[] raw = (byte[]) b.redisGetBare();
        assertTrue(raw.length > 0, "bare Lettuce reads the namespaced wire key");
      } finally {
        b.tearDown();
      }
    }
  }
}
