package dev.cachecompat.namespace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cachecompat.core.PythonVersion;
import dev.cachecompat.testsupport.RealServers;
import dev.cachecompat.testsupport.RedisCluster;
import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.SlotHash;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.api.sync.RedisAdvancedClusterCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.resource.ClientResources;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

@RealServers
class NamespacedRedisClusterIT {
  static final Namespace PY27 = Namespace.django("shop", 2, PythonVersion.PY2_7);
  static final Namespace PY38 = Namespace.django("shop", 3, PythonVersion.PY3_8);
  static final NamespaceGroup GROUP = NamespaceGroup.of(MigrationMode.OWN, PY27, PY38);

  static ClientResources resources;
  static RedisClusterClient client;
  static StatefulRedisClusterConnection<byte[], byte[]> bytes;

  @BeforeAll
  static void connect(RedisCluster cluster) {
    resources = Lettuce.resources();
    client = Lettuce.cluster(resources, cluster);
    bytes = client.connect(ByteArrayCodec.INSTANCE);
  }

  @AfterAll
  static void close() throws Exception {
    bytes.close();
    Lettuce.shutdown(resources, client);
  }

  static byte[] raw(String key) {
    return bytes.sync().get(key.getBytes(StandardCharsets.UTF_8));
  }

  /** A logical key whose two namespaced raw keys hash to different slots. */
  static String untaggedKeyInTwoSlots(String stem) {
    for (int i = 0; ; i++) {
      String k = stem + i;
      if (SlotHash.getSlot(PY27.rawKey(k)) != SlotHash.getSlot(PY38.rawKey(k))) {
        return k;
      }
    }
  }

  @Test
  void hashTagsSurviveThePrefixSoEveryNamespaceSharesTheSlot() {
    String key = "{user:42}:feed";
    assertEquals(SlotHash.getSlot("user:42"), SlotHash.getSlot(PY27.rawKey(key)));
    assertEquals(SlotHash.getSlot("user:42"), SlotHash.getSlot(PY38.rawKey(key)));
    NamespacedCodec codec = NamespacedCodec.of(PY38, ValueOptions.defaults());
    assertEquals(SlotHash.getSlot("user:42"), SlotHash.getSlot(codec.encodeKey(key)));
    try (StatefulRedisClusterConnection<String, Object> c = client.connect(codec)) {
      RedisAdvancedClusterCommands<String, Object> r = c.sync();
      r.set(key, 42L);
      r.set("plain:1", 1L);
      r.set("plain:2", 2L);
      assertEquals(42L, r.get(key));
      assertEquals("42", new String(raw("shop:3:{user:42}:feed"), StandardCharsets.US_ASCII));
      TreeSet<String> found = new TreeSet<>();
      ScanCursor cursor = ScanCursor.INITIAL;
      do {
        KeyScanCursor<String> page = r.scan(cursor, codec.scanArgs("plain:*"));
        found.addAll(page.getKeys());
        cursor = page;
      } while (!cursor.isFinished());
      assertEquals(new TreeSet<>(List.of("plain:1", "plain:2")), found);
    }
  }

  @Test
  void fanOutDeleteAndDualWriteWorkAcrossSlotsWithoutCrossslot() {
    String key = untaggedKeyInTwoSlots("cross:");
    assertNotEquals(SlotHash.getSlot(PY27.rawKey(key)), SlotHash.getSlot(PY38.rawKey(key)));
    NamespacedRedis dual = NamespacedRedis.builder(bytes, GROUP.withMode(MigrationMode.DUAL_WRITE), "shop:3").build();
    dual.set(key, 9, null);
    assertEquals("9", new String(raw(PY27.rawKey(key)), StandardCharsets.US_ASCII));
    assertEquals("9", new String(raw(PY38.rawKey(key)), StandardCharsets.US_ASCII));
    NamespacedRedis old = NamespacedRedis.builder(bytes, GROUP, "shop:2").build();
    assertEquals(2, old.delete(key));
    assertNull(raw(PY27.rawKey(key)));
    assertNull(raw(PY38.rawKey(key)));
  }

  @Test
  void multiGetSpansSlotsAndReadThroughBackfillsOnTheOwnSlot() {
    NamespacedRedis young = NamespacedRedis.builder(bytes, GROUP.withMode(MigrationMode.READ_THROUGH), "shop:3")
        .build();
    List<String> keys = new ArrayList<>();
    Map<String, Object> expected = new LinkedHashMap<>();
    for (int i = 0; i < 12; i++) {
      String k = "mg:" + i;
      keys.add(k);
      if (i % 3 != 0) {
        // two thirds in the 2.7 namespace only: read through, the rest absent
        bytes.sync().set(PY27.rawKey(k).getBytes(StandardCharsets.UTF_8),
            Integer.toString(i).getBytes(StandardCharsets.US_ASCII));
        expected.put(k, (long) i);
      }
    }
    assertEquals(expected, young.getMulti(keys));
    for (String k : expected.keySet()) {
      assertEquals(String.valueOf(expected.get(k)), new String(raw(PY38.rawKey(k)), StandardCharsets.US_ASCII));
    }
  }

  @Test
  void fanOutDeleteUnderConcurrentAsyncWritersLeavesNoCopy() throws Exception {
    NamespacedRedis old = NamespacedRedis.builder(bytes, GROUP, "shop:2").build();
    NamespacedRedis young = NamespacedRedis.builder(bytes, GROUP, "shop:3").build();
    java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(4);
    java.util.concurrent.atomic.AtomicInteger stale = new java.util.concurrent.atomic.AtomicInteger();
    try {
      List<java.util.concurrent.Future<?>> work = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        int thread = t;
        work.add(pool.submit(() -> {
          NamespacedRedis writer = thread % 2 == 0 ? old : young;
          NamespacedRedis invalidator = thread % 2 == 0 ? young : old;
          for (int i = 0; i < 100; i++) {
            String own = "cfan:" + thread + ":" + i;
            writer.setAsync(own, i, null).join();
            writer.setAsync("cfan:shared:" + (i % 5), i, null).join(); // interleaves with the other threads
            invalidator.deleteAsync(own).join();
            if (writer.get(own) != null || invalidator.get(own) != null) {
              stale.incrementAndGet();
            }
          }
          return null;
        }));
      }
      for (java.util.concurrent.Future<?> f : work) {
        f.get(60, java.util.concurrent.TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    assertEquals(0, stale.get(), "copies that survived a fan-out delete");
    for (int i = 0; i < 5; i++) {
      old.delete("cfan:shared:" + i);
      assertNull(raw(PY27.rawKey("cfan:shared:" + i)));
      assertNull(raw(PY38.rawKey("cfan:shared:" + i)));
    }
  }

  /** A logical key whose shop:3 copy is served by one node and whose shop:2 copy by another. */
  static String keyOnTwoNodes(RedisCluster cluster, String stem) {
    for (int i = 0; ; i++) {
      String k = stem + i;
      if (nodeOf(cluster, PY38.rawKey(k)) != nodeOf(cluster, PY27.rawKey(k))) {
        return k;
      }
    }
  }

  /** The index of the node serving a raw key, from Lettuce's view of the slots. */
  static int nodeOf(RedisCluster cluster, String rawKey) {
    int port = client.getPartitions().getPartitionBySlot(SlotHash.getSlot(rawKey)).getUri().getPort();
    for (int n = 0; n < cluster.nodes().size(); n++) {
      if (cluster.nodes().get(n).port() == port) {
        return n;
      }
    }
    throw new AssertionError("no node on port " + port);
  }

  static <T> T retryFor(long seconds, java.util.function.Supplier<T> op) throws InterruptedException {
    long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(seconds);
    while (true) {
      try {
        return op.get();
      } catch (NamespaceException e) {
        if (System.nanoTime() > deadline) {
          throw e;
        }
        Thread.sleep(100);
      }
    }
  }

  @Test
  void nodeRestartFailsClearlyThenRecoversWithoutWritingAWrongNamespace(RedisCluster cluster) throws Exception {
    NamespacedRedis old = NamespacedRedis.builder(bytes, GROUP, "shop:2").timeoutMillis(1_000).build();
    NamespacedRedis young = NamespacedRedis.builder(bytes, GROUP, "shop:3").timeoutMillis(1_000).build();
    String key = keyOnTwoNodes(cluster, "crs:");
    int down = nodeOf(cluster, PY38.rawKey(key));
    assertEquals(down, cluster.nodeServing(PY38.rawKey(key)), "Lettuce and the cluster agree on the slot owner");
    int up = nodeOf(cluster, PY27.rawKey(key));
    // a key of the shop:3 namespace on a node that stays up, to see the whole cluster go down later
    String elsewhere = null;
    for (int i = 0; elsewhere == null; i++) {
      if (nodeOf(cluster, PY38.rawKey("crs:up:" + i)) != down) {
        elsewhere = "crs:up:" + i;
      }
    }
    String upKey = elsewhere;
    old.set(key, 1, null); // the 2.7 copy, on a node that stays up
    young.set(upKey, 1, null);

    cluster.stop(down);
    try {
      // the node of the caller's copy is down: a clear error, and the write reached no other namespace
      NamespaceException set = assertThrows(NamespaceException.class, () -> young.set(key, 2, null));
      assertEquals("server-unavailable", set.code());
      assertTrue(set.getMessage().startsWith("Redis SET of key 'shop:3:" + key + "'"), set.getMessage());
      NamespaceException get = assertThrows(NamespaceException.class, () -> young.get(key));
      assertEquals("server-unavailable", get.code());
      assertTrue(get.getMessage().startsWith("Redis GET of key 'shop:3:" + key + "'"), get.getMessage());
      NamespaceException del = assertThrows(NamespaceException.class, () -> old.delete(key));
      assertEquals("server-unavailable", del.code());
      assertTrue(del.getMessage().contains(key), del.getMessage());
      // once the others mark the node failed (5 s node timeout, no replica) the whole cluster is down
      RedisServerWatch.awaitClusterState(cluster, up, "fail", 30);
      NamespaceException clusterDown = assertThrows(NamespaceException.class, () -> young.get(upKey));
      assertEquals("server-unavailable", clusterDown.code());
      assertEquals("Redis is unavailable for GET of key 'shop:3:" + upKey + "': CLUSTERDOWN The cluster is down",
          clusterDown.getMessage());
    } finally {
      cluster.start(down);
    }

    // recovers by itself: the same client view writes and reads again
    retryFor(20, () -> {
      young.set(key, 3, null);
      return null;
    });
    assertEquals(3L, young.get(key));
    assertEquals(1L, retryFor(20, () -> young.get(upKey)));
    // nothing was written to a wrong namespace, nor late: the 2.7 copy went with the fan-out delete of the
    // failed write (and of the failed delete), the restarted node lost the old shop:3 copy and holds the new one
    assertNull(raw(PY27.rawKey(key)));
    TreeSet<String> keys = new TreeSet<>();
    for (dev.cachecompat.testsupport.RedisServer n : cluster.nodes()) {
      for (String k : n.cli("--raw", "keys", "*crs:*").split("\n")) {
        if (!k.isBlank()) {
          keys.add(k.trim());
        }
      }
    }
    assertEquals(new TreeSet<>(List.of(PY38.rawKey(key), PY38.rawKey(upKey))), keys);
    assertEquals("3", new String(raw(PY38.rawKey(key)), StandardCharsets.US_ASCII));
    assertEquals(2, young.delete(key) + young.delete(upKey));
  }

  /** Polls CLUSTER INFO of one node. */
  static final class RedisServerWatch {
    private RedisServerWatch() {}

    static void awaitClusterState(RedisCluster cluster, int node, String state, int seconds)
        throws InterruptedException {
      long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(seconds);
      String info = "";
      while (System.nanoTime() < deadline) {
        info = cluster.nodes().get(node).cli("cluster", "info");
        if (info.contains("cluster_state:" + state)) {
          return;
        }
        Thread.sleep(200);
      }
      throw new AssertionError("node " + node + " did not reach cluster_state:" + state + ": " + info);
    }
  }
}
