package dev.cachecompat.testsupport;

import java.util.ArrayList;
import java.util.List;

/**
 * A real 3-master Redis Cluster: three {@code redis-server} processes with cluster mode on, joined by
 * {@code redis-cli --cluster create}, each on a free loopback port (and its bus port, +10000).
 */
public final class RedisCluster implements AutoCloseable {
  private final List<RedisServer> nodes = new ArrayList<>();

  private RedisCluster() {}

  /** Starts three nodes, creates the cluster and waits until every node reports {@code cluster_state:ok}. */
  public static RedisCluster startNew() {
    return Tools.retry(3, RedisCluster::startOnce);
  }

  private static RedisCluster startOnce() {
    RedisCluster c = new RedisCluster();
    try {
      for (int i = 0; i < 3; i++) {
        RedisServer n = new RedisServer(true);
        c.nodes.add(n);
        n.start();
      }
      List<String> cmd = new ArrayList<>(List.of(Tools.require("redis-cli"), "--cluster", "create"));
      for (RedisServer n : c.nodes) {
        cmd.add(n.address());
      }
      cmd.addAll(List.of("--cluster-replicas", "0", "--cluster-yes"));
      Tools.run(cmd, 60);
      c.awaitOk(30_000);
      return c;
    } catch (RuntimeException e) {
      c.close();
      throw e;
    }
  }

  void awaitOk(long timeoutMillis) {
    long deadline = System.currentTimeMillis() + timeoutMillis;
    while (true) {
      boolean ok = true;
      for (RedisServer n : nodes) {
        ok &= n.cli("cluster", "info").contains("cluster_state:ok");
      }
      if (ok) {
        return;
      }
      if (System.currentTimeMillis() > deadline) {
        throw new IllegalStateException("cluster did not reach cluster_state:ok within " + timeoutMillis + " ms");
      }
      FreePorts.sleep(100);
    }
  }

  /** The three nodes, each a master. */
  public List<RedisServer> nodes() {
    return List.copyOf(nodes);
  }

  /** {@code redis-cluster://h:p,h:p,h:p}, the verifier's source form. */
  public String uri() {
    StringBuilder b = new StringBuilder("redis-cluster://");
    for (int i = 0; i < nodes.size(); i++) {
      b.append(i == 0 ? "" : ",").append(nodes.get(i).address());
    }
    return b.toString();
  }

  @Override
  public void close() {
    for (RedisServer n : nodes) {
      n.close();
    }
  }
}
