package dev.cachecompat.testsupport;

import java.util.ArrayList;
import java.util.List;

/**
 * A real 3-master Redis Cluster: three {@code redis-server} processes with cluster mode on, joined by
 * {@code redis-cli --cluster create}, each on a free loopback port (and its bus port, +10000).
 *
 * <p>A node can be stopped and started again ({@link #stop(int)}, {@link #start(int)}, {@link #restart(int)}): it
 * comes back on the same port with its {@code nodes.conf}, so with the same node id and the same slots, but empty
 * (no persistence). While a node is down its slots are unreachable; once the other nodes mark it failed (after the
 * 5 s node timeout, no replica takes over) the whole cluster answers {@code CLUSTERDOWN} until it is back.
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

  /**
   * Waits until every running node reports {@code cluster_state:ok}.
   *
   * @param timeoutMillis how long to wait at most
   * @throws IllegalStateException if the cluster is not ok in time
   */
  public void awaitOk(long timeoutMillis) {
    long deadline = System.currentTimeMillis() + timeoutMillis;
    while (true) {
      boolean ok = true;
      for (RedisServer n : nodes) {
        ok &= n.isRunning() && n.cli("cluster", "info").contains("cluster_state:ok");
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

  /**
   * Stops one node (SIGTERM, waits for it to exit); the others keep running.
   *
   * @param index 0, 1 or 2, in the order of {@link #nodes()}
   */
  public void stop(int index) {
    nodes.get(index).stop();
  }

  /**
   * Starts a stopped node again on its port, with its cluster configuration, and waits (up to 60 s, which covers
   * the time the others take to clear a failure flag: twice the node timeout) until every node reports
   * {@code cluster_state:ok}.
   *
   * @param index 0, 1 or 2, in the order of {@link #nodes()}
   * @throws IllegalStateException if the node does not start or the cluster does not recover in time
   */
  public void start(int index) {
    nodes.get(index).start();
    awaitOk(60_000);
  }

  /**
   * {@link #stop(int)} then {@link #start(int)}.
   *
   * @param index 0, 1 or 2, in the order of {@link #nodes()}
   */
  public void restart(int index) {
    stop(index);
    start(index);
  }

  /**
   * The index of the node that serves a key's hash slot ({@code CLUSTER KEYSLOT}, then {@code CLUSTER SLOTS}
   * asked of a running node).
   *
   * @param key the key
   * @return 0, 1 or 2, in the order of {@link #nodes()}
   */
  public int nodeServing(String key) {
    RedisServer asked = nodes.stream().filter(RedisServer::isRunning).findFirst()
        .orElseThrow(() -> new IllegalStateException("no node of the cluster is running"));
    int slot = Integer.parseInt(asked.cli("cluster", "keyslot", key).trim());
    // CLUSTER SHARDS is 7.0+; CLUSTER NODES has every version: "<id> <ip:port@bus> <flags> ... <slot ranges>"
    for (String line : asked.cli("cluster", "nodes").split("\n")) {
      String[] f = line.trim().split(" ");
      if (f.length < 9 || !f[2].contains("master")) {
        continue;
      }
      int port = Integer.parseInt(f[1].substring(f[1].lastIndexOf(':') + 1, f[1].indexOf('@')));
      for (int i = 8; i < f.length; i++) {
        if (f[i].startsWith("[")) {
          continue; // a slot being migrated or imported
        }
        String[] range = f[i].split("-");
        int lo = Integer.parseInt(range[0]);
        int hi = range.length > 1 ? Integer.parseInt(range[1]) : lo;
        if (slot >= lo && slot <= hi) {
          for (int n = 0; n < nodes.size(); n++) {
            if (nodes.get(n).port() == port) {
              return n;
            }
          }
        }
      }
    }
    throw new IllegalStateException("no node of the cluster serves slot " + slot + " of key '" + key + "'");
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
