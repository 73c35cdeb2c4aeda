package dev.cachecompat.verifier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cachecompat.testsupport.MemcachedServer;
import dev.cachecompat.testsupport.PythonInterpreter;
import dev.cachecompat.testsupport.Pythons;
import dev.cachecompat.testsupport.RealServers;
import dev.cachecompat.testsupport.RedisCluster;
import dev.cachecompat.testsupport.RedisServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** scan against real servers that real Python clients (redis-py, pymemcache, a raw Python 2.7 socket) filled. */
@RealServers
class ScanIT {
  static final ObjectMapper JSON = new ObjectMapper();

  /** Python 3 with redis-py: the 2.7 fleet's namespace gets a protocol-5 pickle by mistake, plus a gadget. */
  static final String FILL_REDIS = String.join("\n",
      "import os, pickle, sys, json, redis",
      "host, port = sys.argv[1], int(sys.argv[2])",
      "cluster = len(sys.argv) > 3",
      "r = redis.RedisCluster(host=host, port=port) if cluster else redis.Redis(host=host, port=port)",
      "class Evil(object):",
      "    def __reduce__(self):",
      "        return (os.system, ('echo pwned',))",
      "for i in range(200):",
      "    r.set('app:2:user:%d' % i, pickle.dumps({'id': i, 'name': u'n\\u00e9 %d' % i}, 2))",
      "    r.set('app:3:user:%d' % i, pickle.dumps({'id': i, 'tags': {'a', 'b'}}, 5), ex=3600)",
      "r.set('app:2:misdeployed', pickle.dumps([1, 2], 5))",
      "r.set('app:3:evil', pickle.dumps(Evil(), 4))",
      "r.set('app:3:count', 42)",
      "r.set('app:3:cfg', json.dumps({'b': 1, 'a': 2}, sort_keys=True))",
      "r.rpush('app:3:queue', 'x')");

  static Map<String, JsonNode> lines(LauncherIT.Run r, int expectedKeys) throws IOException {
    Map<String, JsonNode> m = new java.util.HashMap<>();
    String[] lines = r.out().split("\n");
    for (int i = 0; i < lines.length - 1; i++) {
      JsonNode l = JSON.readTree(lines[i]);
      m.put(l.get("key").asText(), l);
    }
    assertEquals(expectedKeys, m.size(), r.err());
    assertTrue(JSON.readTree(lines[lines.length - 1]).has("summary"), lines[lines.length - 1]);
    return m;
  }

  static void assertFleet(Map<String, JsonNode> keys) {
    assertEquals("unreadable-by-readers", keys.get("app:2:misdeployed").get("findings").get(0).get("code").asText());
    assertEquals("unsafe", keys.get("app:3:evil").get("verdict").asText());
    assertEquals("int", keys.get("app:3:count").get("format").asText());
    assertEquals(42, keys.get("app:3:count").get("value").asInt());
    assertEquals("json", keys.get("app:3:cfg").get("format").asText());
    assertEquals("other", keys.get("app:3:queue").get("format").asText());
    JsonNode u = keys.get("app:2:user:7");
    assertTrue(u.get("ok").asBoolean(), u.toString());
    assertEquals("2.7", u.get("min_python").asText());
    assertEquals(7, u.get("value").get("id").asInt());
    JsonNode v = keys.get("app:3:user:7");
    assertEquals(5, v.get("protocol").asInt());
    long ttl = v.get("ttl_s").asLong();
    assertTrue(ttl > 3000 && ttl <= 3600, v.toString());
  }

  @Test
  void scansALiveRedisFilledByRedisPy(RedisServer redis) throws Exception {
    PythonInterpreter py = Pythons.system("redis");
    py.runChecked(FILL_REDIS, new byte[0], redis.host(), Integer.toString(redis.port()));
    LauncherIT.Run r = LauncherIT.launch(java.util.List.of(), "scan", "--format=jsonl", redis.uri(),
        "--expect=app:2=2.7", "--expect=app:3=3.8");
    assertEquals(1, r.status(), r.err());
    assertFleet(lines(r, 405));
  }

  @Test
  void scansEveryMasterOfACluster(RedisCluster cluster) throws Exception {
    PythonInterpreter py = Pythons.system("redis");
    String first = cluster.nodes().get(0).host();
    py.runChecked(FILL_REDIS, new byte[0], first, Integer.toString(cluster.nodes().get(0).port()), "cluster");
    LauncherIT.Run r = LauncherIT.launch(java.util.List.of(), "scan", "--format=jsonl", cluster.uri(),
        "--expect=app:2=2.7", "--expect=app:3=3.8");
    assertEquals(1, r.status(), r.err());
    assertFleet(lines(r, 405));
  }

  @Test
  void scansMemcachedFilledByPymemcacheAndARawPython27Worker(MemcachedServer memcached) throws Exception {
    PythonInterpreter py3 = Pythons.system("pymemcache");
    py3.runChecked(String.join("\n",
        "import sys, pickle",
        "from pymemcache.client.base import Client",
        "from pymemcache import serde",
        "c = Client((sys.argv[1], int(sys.argv[2])), serde=serde.PickleSerde(pickle_version=5))",
        "c.set('app:3:user:1', {'id': 1})",
        "c.set('app:3:count', 7)",
        "c.set('app:3:name', u'caf\\u00e9')",
        "c.set('app:3:raw', b'\\x00\\xff')"), new byte[0], memcached.host(), Integer.toString(memcached.port()));
    PythonInterpreter py2 = Pythons.require("2.7");
    py2.runChecked(String.join("\n",
        "import socket, sys, cPickle",
        "s = socket.create_connection((sys.argv[1], int(sys.argv[2])))",
        "data = cPickle.dumps({'id': 1, 'name': 'zoe'}, 2)",
        "s.sendall('set app:2:user:1 1 0 %d\\r\\n%s\\r\\n' % (len(data), data))",
        "assert s.recv(100).startswith('STORED')"), new byte[0], memcached.host(), Integer.toString(memcached.port()));
    LauncherIT.Run r = LauncherIT.launch(java.util.List.of(), "scan", "--format=jsonl", "--py2-str=latin1",
        memcached.uri(), "--expect=app:2=2.7", "--expect=app:3=3.8");
    assertEquals(0, r.status(), r.out() + r.err());
    Map<String, JsonNode> keys = lines(r, 5);
    assertEquals(1, keys.get("app:3:user:1").get("flags").asInt());
    assertEquals(5, keys.get("app:3:user:1").get("protocol").asInt());
    assertEquals(2, keys.get("app:3:count").get("flags").asInt());
    assertEquals(7, keys.get("app:3:count").get("value").asInt());
    assertEquals("caf\u00e9", keys.get("app:3:name").get("value").asText());
    assertEquals("bytes", keys.get("app:3:raw").get("format").asText());
    assertEquals("zoe", keys.get("app:2:user:1").get("value").get("name").asText());
    assertEquals("2.7", keys.get("app:2:user:1").get("min_python").asText());
  }

  @Test
  void resumesAnInterruptedScanWhereItStopped(RedisServer redis, @TempDir Path dir) throws Exception {
    redis.cli("flushall");
    Pythons.system("redis").runChecked(FILL_REDIS, new byte[0], redis.host(), Integer.toString(redis.port()));
    Path cursor = dir.resolve("cursor");
    Set<String> seen = new HashSet<>();
    int runs = 0;
    while (!Files.exists(cursor) || !Files.readString(cursor).trim().equals("done")) {
      LauncherIT.Run r = LauncherIT.launch(java.util.List.of(), "scan", "--format=jsonl", "--sample=150",
          "--resume=" + cursor, redis.uri());
      String[] lines = r.out().split("\n");
      for (int i = 0; i < lines.length - 1; i++) {
        assertTrue(seen.add(JSON.readTree(lines[i]).get("key").asText()), "seen twice: " + lines[i]);
      }
      assertTrue(++runs < 10, "resume makes no progress: " + Files.readString(cursor));
    }
    assertEquals(405, seen.size());
    assertTrue(runs >= 3, "150 keys a run over 405 keys takes 3 runs, not " + runs);
  }

  @Test
  void lostConnectionSaysHowFarItGotAndKeepsTheLinesValid(RedisServer redis) throws Exception {
    redis.cli("flushall");
    StringBuilder script = new StringBuilder("import sys, redis\n")
        .append("r = redis.Redis(host=sys.argv[1], port=int(sys.argv[2]))\n")
        .append("p = r.pipeline(transaction=False)\n")
        .append("for i in range(300000):\n    p.set('big:1:k%d' % i, 'v' * 100)\n")
        .append("    if i % 10000 == 0: p.execute()\n")
        .append("p.execute()\n");
    Pythons.system("redis").runChecked(script.toString(), new byte[0], redis.host(), Integer.toString(redis.port()));
    Thread killer = new Thread(() -> {
      // Stop the server once the scan has read some values (Redis counts the GET hits).
      long deadline = System.currentTimeMillis() + 120_000;
      while (System.currentTimeMillis() < deadline) {
        String stats = redis.cli("info", "stats");
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("keyspace_hits:(\\d+)").matcher(stats);
        if (m.find() && Long.parseLong(m.group(1)) > 5000) {
          break;
        }
        try {
          Thread.sleep(20);
        } catch (InterruptedException e) {
          return;
        }
      }
      redis.stop();
    });
    killer.start();
    LauncherIT.Run r = LauncherIT.launch(java.util.List.of(), "scan", "--format=jsonl", redis.uri());
    killer.join();
    assertEquals(2, r.status(), r.err());
    assertTrue(r.err().startsWith("cachecompat: lost connection to 127.0.0.1:" + redis.port() + " after "),
        r.err());
    assertEquals(1, r.err().strip().split("\n").length, r.err());
    String[] lines = r.out().split("\n");
    for (String l : lines) {
      JSON.readTree(l);
    }
    JsonNode summary = JSON.readTree(lines[lines.length - 1]).get("summary");
    assertFalse(summary.get("stopped").asText().isEmpty());
    assertTrue(summary.get("keys").asLong() < 300000, summary.toString());
    redis.start();
  }
}
