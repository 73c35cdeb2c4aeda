package dev.cachecompat.namespace;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cachecompat.core.PythonVersion;
import dev.cachecompat.testsupport.MemcachedServer;
import dev.cachecompat.testsupport.Pythons;
import dev.cachecompat.testsupport.RealServers;
import dev.cachecompat.testsupport.RedisCluster;
import dev.cachecompat.testsupport.RedisServer;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.resource.ClientResources;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import net.rubyeye.xmemcached.MemcachedClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

@RealServers
class NamespaceMigratorIT {
  static final Namespace PY27 = Namespace.django("mig", 2, PythonVersion.PY2_7);
  static final Namespace PY38 = Namespace.django("mig", 3, PythonVersion.PY3_8);
  static final NamespaceGroup GROUP = NamespaceGroup.of(MigrationMode.OWN, PY27, PY38);

  static ClientResources resources;

  @BeforeAll
  static void start() {
    resources = Lettuce.resources();
  }

  @AfterAll
  static void stop() throws Exception {
    Lettuce.shutdown(resources);
  }

  static MigrationResult runInChunks(NamespaceMigrator m, Namespace from, Namespace to, long chunk,
      List<MigrationResult> runs) {
    String token = null;
    long scanned = 0;
    long copied = 0;
    long present = 0;
    long rejected = 0;
    long expired = 0;
    for (int i = 0; i < 100; i++) {
      MigrationResult r = m.migrate(from, to, token, chunk);
      runs.add(r);
      scanned += r.scanned();
      copied += r.copied();
      present += r.alreadyPresent();
      rejected += r.rejected();
      expired += r.expired();
      token = r.resumeToken();
      if (r.isComplete()) {
        return new MigrationResult(scanned, copied, present, expired, rejected, 0, 0, null, List.of());
      }
    }
    throw new AssertionError("migration did not finish in 100 runs");
  }

  @Test
  void memcachedNamespaceIsCopiedForPython27KeepingExpiryAndResuming(MemcachedServer server) throws Exception {
    MemcachedClient client = Servers.memcached(server);
    try {
      NamespacedMemcached young = NamespacedMemcached.builder(client, GROUP, "mig:3").build();
      for (int i = 0; i < 240; i++) {
        Object v = i % 3 == 0 ? (Object) ("text \u00e9 " + i) : i % 3 == 1 ? (Object) (long) i : new byte[] {(byte) i};
        client.set(young.wireKey("k" + i), i % 2 == 0 ? 3600 : 0,
            Payloads.create(ValueOptions.defaults()).encodeMemcached(PY38, v), RawTranscoder.INSTANCE, 1_000);
      }
      client.set("mig:3:bad", 0, new MemcachedValue(64, new byte[] {1}), RawTranscoder.INSTANCE, 1_000);
      client.set("mig:2:k0", 0, new MemcachedValue(16, "newer".getBytes(StandardCharsets.UTF_8)),
          RawTranscoder.INSTANCE, 1_000);
      client.set("other:3:x", 0, new MemcachedValue(0, new byte[] {1}), RawTranscoder.INSTANCE, 1_000);

      Servers.Recorder rec = new Servers.Recorder();
      List<MigrationResult> progress = new ArrayList<>();
      NamespaceMigrator m = NamespaceMigrator.memcached(client, MemcachedKeyPolicy.REJECT)
          .options(ValueOptions.builder().listener(rec).build()).batchSize(25).progress(progress::add).build();
      List<MigrationResult> runs = new ArrayList<>();
      MigrationResult total = runInChunks(m, PY38, PY27, 100, runs);
      assertEquals(241, total.scanned());
      assertEquals(1, total.rejected());
      assertEquals(1, total.alreadyPresent());
      assertEquals(239, total.copied());
      assertTrue(runs.size() >= 3, "ran in " + runs.size() + " chunks");
      assertEquals("unknown-flags", rec.seen.get(0).code());
      assertTrue(progress.size() >= 10, "progress reported per batch: " + progress.size());

      NamespacedMemcached old = NamespacedMemcached.builder(client, GROUP, "mig:2").build();
      assertEquals("newer", old.get("k0"), "an entry the target held is never overwritten");
      assertEquals(4L, old.get("k4"));
      assertArrayEquals(new byte[] {5}, (byte[]) old.get("k5"));
      Map<String, Long> exp = metadumpExp(server);
      assertEquals(exp.get("mig:3:k6"), exp.get("mig:2:k6"), "absolute expiry copied");
      assertTrue(exp.get("mig:2:k6") > 0);
      assertEquals(-1L, exp.get("mig:2:k7"));
      Map<String, Map<String, Object>> rows = Servers.runForKeys(Pythons.require("2.7"), "memcached_read.py",
          new byte[0], Servers.args(server.host(), server.port(), List.of("mig:2:k3", "mig:2:k4")));
      assertEquals("u'text \\xe9 3'", rows.get("mig:2:k3").get("repr"));
      assertEquals("4", rows.get("mig:2:k4").get("repr"));
      assertNull(client.get("other:2:x"));
    } finally {
      Servers.shutdown(client);
    }
  }

  static Map<String, Long> metadumpExp(MemcachedServer server) throws Exception {
    Map<String, Long> out = new java.util.HashMap<>();
    try (java.net.Socket s = new java.net.Socket(server.host(), server.port())) {
      s.getOutputStream().write("lru_crawler metadump all\r\n".getBytes(StandardCharsets.US_ASCII));
      java.io.BufferedReader in = new java.io.BufferedReader(new java.io.InputStreamReader(s.getInputStream(),
          StandardCharsets.UTF_8));
      for (String line; (line = in.readLine()) != null && !line.equals("END"); ) {
        String key = null;
        long exp = 0;
        for (String p : line.split(" ")) {
          if (p.startsWith("key=")) {
            key = java.net.URLDecoder.decode(p.substring(4), StandardCharsets.UTF_8);
          } else if (p.startsWith("exp=")) {
            exp = Long.parseLong(p.substring(4));
          }
        }
        out.put(key, exp);
      }
    }
    return out;
  }

  @Test
  void redisNamespaceIsCopiedKeepingPttlAndResuming(RedisServer server) {
    RedisClient client = Lettuce.standalone(resources, server);
    try (StatefulRedisConnection<byte[], byte[]> c = client.connect(ByteArrayCodec.INSTANCE)) {
      NamespacedRedis young = NamespacedRedis.builder(c, GROUP, "mig:3").build();
      for (int i = 0; i < 230; i++) {
        young.set("k" + i, i, i % 2 == 0 ? Duration.ofSeconds(600) : null);
      }
      c.sync().set("mig:2:k0".getBytes(StandardCharsets.UTF_8), "-1".getBytes(StandardCharsets.UTF_8));
      NamespaceMigrator m = NamespaceMigrator.redis(c).batchSize(40).build();
      MigrationResult total = runInChunks(m, PY38, PY27, 70, new ArrayList<>());
      assertEquals(230, total.scanned());
      assertEquals(229, total.copied());
      assertEquals(1, total.alreadyPresent());
      NamespacedRedis old = NamespacedRedis.builder(c, GROUP, "mig:2").build();
      assertEquals(-1L, old.get("k0"));
      assertEquals(9L, old.get("k9"));
      long pttl = old.pttl("k8");
      assertTrue(pttl > 590_000 && pttl <= 600_000, "PTTL kept: " + pttl);
      assertEquals(-1, old.pttl("k9"));
    } finally {
      client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
    }
  }

  @Test
  void clusterMigrationScansEveryMasterAndWritesAcrossSlots(RedisCluster cluster) {
    RedisClusterClient client = Lettuce.cluster(resources, cluster);
    try (StatefulRedisClusterConnection<byte[], byte[]> c = client.connect(ByteArrayCodec.INSTANCE)) {
      NamespacedRedis young = NamespacedRedis.builder(c, GROUP, "mig:3").build();
      for (int i = 0; i < 90; i++) {
        young.set("c" + i, i, null);
      }
      MigrationResult total = runInChunks(NamespaceMigrator.redisCluster(c).batchSize(20).build(), PY38, PY27, 35,
          new ArrayList<>());
      assertEquals(90, total.copied());
      NamespacedRedis old = NamespacedRedis.builder(c, GROUP, "mig:2").build();
      for (int i = 0; i < 90; i++) {
        assertNotNull(old.get("c" + i), "c" + i);
      }
    } finally {
      client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
    }
  }
}
