package dev.cachecompat.testsupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

@RealServers
class RealServersIT {
  private static String roundTrip(ServerProcess server, String request) throws Exception {
    try (Socket s = new Socket(server.host(), server.port())) {
      OutputStream out = s.getOutputStream();
      out.write(request.getBytes(StandardCharsets.US_ASCII));
      out.flush();
      BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII));
      return in.readLine();
    }
  }

  @Test
  void memcachedAnswersOnItsLoopbackPort(MemcachedServer memcached) throws Exception {
    assertEquals("STORED", roundTrip(memcached, "set k 0 0 1\r\nv\r\n"));
  }

  @Test
  void redisAnswersAndSurvivesARestart(RedisServer redis) throws Exception {
    assertEquals("+PONG", roundTrip(redis, "PING\r\n"));
    redis.restart();
    assertTrue(redis.isRunning());
    assertEquals("+PONG", roundTrip(redis, "PING\r\n"));
  }

  @Test
  void oneServerPerClass(RedisServer a, RedisServer b) {
    assertSame(a, b);
  }

  @Test
  void clusterHasThreeMastersCoveringEverySlot(RedisCluster cluster) {
    assertEquals(3, cluster.nodes().size());
    String info = cluster.nodes().get(0).cli("cluster", "info");
    assertTrue(info.contains("cluster_slots_assigned:16384"), info);
    assertTrue(info.contains("cluster_known_nodes:3"), info);
  }

  @Test
  void clusterNodeRestartsWithItsSlotsButEmpty(RedisCluster cluster) {
    int node = cluster.nodeServing("restart-probe");
    RedisServer server = cluster.nodes().get(node);
    assertEquals("OK", server.cli("set", "restart-probe", "v"));
    assertEquals("v", server.cli("get", "restart-probe"));
    cluster.restart(node);
    assertTrue(server.isRunning());
    assertEquals(node, cluster.nodeServing("restart-probe"), "the node keeps its slots");
    assertEquals("", server.cli("get", "restart-probe"), "no persistence: the node comes back empty");
    for (RedisServer n : cluster.nodes()) {
      assertTrue(n.cli("cluster", "info").contains("cluster_state:ok"), n.toString());
    }
  }
}
