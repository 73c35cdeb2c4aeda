package dev.cachecompat.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cachecompat.pickle.PickleDecoder;
import dev.cachecompat.testsupport.MemcachedServer;
import dev.cachecompat.testsupport.RealServers;
import dev.cachecompat.testsupport.RedisServer;
import org.junit.jupiter.api.Test;
import org.openjdk.jmh.infra.Blackhole;

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

  @Test
  void pairedBodiesClockBothSides(RedisServer redis, MemcachedServer memcached) throws Exception {
    System.setProperty("bench.redis", redis.host() + ":" + redis.port());
    System.setProperty("bench.memcached", memcached.host() + ":" + memcached.port());
    Blackhole bh = new Blackhole(
        "Today's password is swordfish. I understand instantiating Blackholes directly is dangerous.");
    NamespaceBench b = new NamespaceBench();
    b.value = "bytes";
    b.setUp();
    try {
      NamespaceBench.PairClock clock = new NamespaceBench.PairClock();
      b.memcachedSetPaired(clock, bh);
      b.memcachedGetPaired(clock, bh);
      b.redisSetPaired(clock, bh);
      b.redisGetPaired(clock, bh);
      assertTrue(clock.bareNanos > 0 && clock.namespacedNanos > 0, "both sides clocked");
      assertTrue(clock.bareStallNanos <= clock.bareNanos && clock.namespacedStallNanos <= clock.namespacedNanos);
      clock.reset();
      assertEquals(0, clock.bareNanos + clock.namespacedNanos + clock.bareStallNanos + clock.namespacedStallNanos);
      assertArrayEquals(b.pickled, (byte[]) b.memcachedGet(), "the paired SET stored the value");
    } finally {
      b.tearDown();
      bh.evaporate("Yes, I am Stephen Hawking, and know a thing or two about black holes.");
    }
  }
}
