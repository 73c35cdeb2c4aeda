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
import dev.cachecompat.testsupport.RedisServer;
import java.util.List;
import org.junit.jupiter.api.Test;

/** migrate through the real launcher; real Python writes the source namespace and reads the target one. */
@RealServers
class MigrateIT {
  static final ObjectMapper JSON = new ObjectMapper();

  static final String FILL = String.join("\n",
      "import os, pickle, sys, redis",
      "r = redis.Redis(host=sys.argv[1], port=int(sys.argv[2]))",
      "r.flushall()",
      "class Evil(object):",
      "    def __reduce__(self):",
      "        return (os.system, ('echo pwned',))",
      "for i in range(50):",
      "    r.set('shop:2:user:%d' % i, pickle.dumps({'id': i, 'tags': {'a'}}, 2), ex=3600 if i % 2 else None)",
      "r.set('shop:2:count', 7)",
      "r.set('shop:2:evil', pickle.dumps(Evil(), 2))");

  @Test
  void redisNamespaceMovesToProtocol5ForPython38Readers(RedisServer redis) throws Exception {
    Pythons.system("redis").runChecked(FILL, new byte[0], redis.host(), Integer.toString(redis.port()));
    LauncherIT.Run dry = LauncherIT.launch(List.of(), "migrate", redis.uri(), "--from-namespace=shop:2",
        "--to-namespace=shop:3", "--target-python=3.8", "--dry-run");
    assertEquals(1, dry.status(), dry.err());
    JsonNode d = JSON.readTree(dry.out());
    assertEquals(52, d.get("scanned").asInt());
    assertEquals(51, d.get("would_copy").asInt());
    assertEquals(1, d.get("rejected").asInt());
    assertEquals("0", redis.cli("exists", "shop:3:user:1"), "a dry run writes nothing");

    LauncherIT.Run r = LauncherIT.launch(List.of(), "migrate", redis.uri(), "--from-namespace=shop:2",
        "--to-namespace=shop:3", "--target-python=3.8");
    assertEquals(1, r.status(), r.out() + r.err());
    JsonNode m = JSON.readTree(r.out());
    assertEquals(51, m.get("copied").asInt(), m.toString());
    assertEquals(1, m.get("rejected").asInt(), m.toString());
    assertTrue(m.get("complete").asBoolean());
    assertEquals("0", redis.cli("exists", "shop:3:evil"), "an unsafe entry is never copied");
    long ttl = Long.parseLong(redis.cli("ttl", "shop:3:user:1"));
    assertTrue(ttl > 3000 && ttl <= 3600, "TTL kept: " + ttl);
    assertEquals("-1", redis.cli("ttl", "shop:3:user:2"));

    PythonInterpreter py38 = Pythons.require("3.8");
    String check = String.join("\n",
        "import pickle, socket, sys",
        "s = socket.create_connection((sys.argv[1], int(sys.argv[2])))",
        "f = s.makefile('rb')",
        "def get(k):",
        "    s.sendall(('GET %s\\r\\n' % k).encode())",
        "    n = int(f.readline()[1:])",
        "    v = f.read(n + 2)[:-2]",
        "    return v",
        "v = get('shop:3:user:7')",
        "assert v[:2] == b'\\x80\\x05', v[:2]",
        "assert pickle.loads(v) == {'id': 7, 'tags': {'a'}}, pickle.loads(v)",
        "assert get('shop:3:count') == b'7'",
        "print('ok')");
    assertEquals("ok\n", new String(py38.runChecked(check, new byte[0], redis.host(),
        Integer.toString(redis.port())), java.nio.charset.StandardCharsets.UTF_8));
  }

  @Test
  void memcachedNamespaceMovesToProtocol2ForAPython27Fleet(MemcachedServer memcached) throws Exception {
    PythonInterpreter py3 = Pythons.system("pymemcache");
    py3.runChecked(String.join("\n",
        "import sys",
        "from pymemcache.client.base import Client",
        "from pymemcache import serde",
        "c = Client((sys.argv[1], int(sys.argv[2])), serde=serde.PickleSerde(pickle_version=5))",
        "for i in range(30):",
        "    c.set('web:3:page:%d' % i, {'page': i, 'items': list(range(i))})",
        "c.set('web:3:hits', 12)"), new byte[0], memcached.host(), Integer.toString(memcached.port()));
    LauncherIT.Run r = LauncherIT.launch(List.of(), "migrate", memcached.uri(), "--from-namespace=web:3",
        "--to-namespace=web:2", "--target-python=2.7");
    assertEquals(0, r.status(), r.out() + r.err());
    JsonNode m = JSON.readTree(r.out());
    assertEquals(31, m.get("copied").asInt(), m.toString());
    PythonInterpreter py27 = Pythons.require("2.7");
    String check = String.join("\n",
        "import socket, sys, cPickle",
        "s = socket.create_connection((sys.argv[1], int(sys.argv[2])))",
        "f = s.makefile('rb')",
        "s.sendall('get web:2:page:5 web:2:hits\\r\\n')",
        "out = {}",
        "while True:",
        "    line = f.readline().split()",
        "    if line[0] == 'END': break",
        "    data = f.read(int(line[3]) + 2)[:-2]",
        "    out[line[1]] = (int(line[2]), data)",
        "flags, data = out['web:2:page:5']",
        "assert flags == 1 and cPickle.loads(data) == {'page': 5, 'items': [0, 1, 2, 3, 4]}",
        "assert out['web:2:hits'] == (2, '12'), out['web:2:hits']",
        "print 'ok'");
    assertEquals("ok\n", new String(py27.runChecked(check, new byte[0], memcached.host(),
        Integer.toString(memcached.port())), java.nio.charset.StandardCharsets.UTF_8));
  }

  @Test
  void refusesDumpSourcesAndOtherTargets() throws Exception {
    Cli r = Cli.run("migrate", ScanCommandTest.DUMPS + "cache.rdb", "--from-namespace=a:1", "--to-namespace=a:2",
        "--target-python=3.8");
    assertEquals(2, r.status());
    assertFalse(r.err().contains("\tat "), r.err());
    assertTrue(r.err().contains("migrate needs a live source"), r.err());
    Cli other = Cli.run("migrate", "redis://127.0.0.1:1", "--to=redis://127.0.0.1:2", "--from-namespace=a:1",
        "--to-namespace=a:2", "--target-python=3.8");
    assertEquals(2, other.status());
    assertTrue(other.err().contains("--to must name the source server"), other.err());
  }
}
