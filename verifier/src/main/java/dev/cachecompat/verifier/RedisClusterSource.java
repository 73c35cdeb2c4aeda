package dev.cachecompat.verifier;

import io.lettuce.core.RedisURI;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import io.lettuce.core.codec.ByteArrayCodec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * A live Redis Cluster: every master is scanned as by {@link RedisSource}, all masters in parallel (one thread
 * each), deliveries serialized on this source so the consumer never runs concurrently. Replicas are not scanned
 * (they hold the same keys). Lettuce's cluster client only finds the masters; each is scanned over its own
 * {@link RespPipe}.
 *
 * <p>Cursor: {@code HOST:PORT=CURSOR[+N],...}, one {@link RedisSource} cursor per master, in the order of the
 * masters' addresses, or {@code done}; resuming needs the same masters (a failover in between is a
 * {@code bad-cursor} error).
 */
final class RedisClusterSource extends AbstractScanSource {
  private final String description;
  private final RedisClusterClient client;
  private final StatefulRedisClusterConnection<byte[], byte[]> connection;
  private final List<RedisSource.NodeScan> nodes = new ArrayList<>();

  private RedisClusterSource(SourceUri uri, RedisClusterClient client,
      StatefulRedisClusterConnection<byte[], byte[]> connection, SourceOptions options) {
    super(options);
    this.description = uri.toString();
    this.client = client;
    this.connection = connection;
    try {
      for (RedisClusterNode n : connection.getPartitions()) {
        if (n.is(RedisClusterNode.NodeFlag.UPSTREAM)) {
          String host = n.getUri().getHost();
          int port = n.getUri().getPort();
          String address = new SourceUri.HostPort(host, port).toString();
          RespPipe pipe = RedisSource.openPipe(host, port, null, null, 0, options);
          nodes.add(new RedisSource.NodeScan(address, pipe, options, this));
        }
      }
      nodes.sort((a, b) -> a.address.compareTo(b.address));
      if (options.resumeCursor() != null) {
        resume(options.resumeCursor());
      }
    } catch (RuntimeException e) {
      nodes.forEach(RedisSource.NodeScan::close);
      throw e;
    }
  }

  static RedisClusterSource open(SourceUri uri, SourceOptions options) {
    List<RedisURI> seeds = new ArrayList<>();
    for (SourceUri.HostPort hp : uri.hosts()) {
      RedisURI.Builder b = RedisURI.builder().withHost(hp.host()).withPort(hp.port()).withTimeout(options.timeout());
      seeds.add(b.build());
    }
    RedisClusterClient client = RedisClusterClient.create(seeds);
    client.setOptions(ClusterClientOptions.builder().autoReconnect(false)
        .disconnectedBehavior(io.lettuce.core.ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
        .timeoutOptions(io.lettuce.core.TimeoutOptions.builder().timeoutCommands(false).build()).build());
    StatefulRedisClusterConnection<byte[], byte[]> c = null;
    try {
      c = client.connect(ByteArrayCodec.INSTANCE);
      return new RedisClusterSource(uri, client, c, options);
    } catch (RuntimeException e) {
      if (c != null) {
        c.close();
      }
      RedisSource.shutdown(client);
      if (e instanceof SourceException) {
        throw e;
      }
      throw new SourceException("connection-failed", -1, "cannot connect to " + uri + ": "
          + RedisSource.rootMessage(e), e);
    }
  }

  private void resume(String cursor) {
    if (cursor.equals("done")) {
      nodes.forEach(n -> n.resumeFrom("done", description));
      return;
    }
    Map<String, String> parts = new LinkedHashMap<>();
    for (String p : cursor.split(",", -1)) {
      int eq = p.lastIndexOf('=');
      if (eq <= 0) {
        throw new SourceException("bad-cursor", "bad resume cursor \"" + cursor + "\" for " + description
            + ": expected HOST:PORT=CURSOR[+SKIP],...");
      }
      parts.put(p.substring(0, eq), p.substring(eq + 1));
    }
    List<String> masters = nodes.stream().map(n -> n.address).toList();
    if (!parts.keySet().equals(new java.util.HashSet<>(masters))) {
      throw new SourceException("bad-cursor", "resume cursor names masters " + parts.keySet() + " but "
          + description + " has masters " + masters);
    }
    for (RedisSource.NodeScan n : nodes) {
      n.resumeFrom(parts.get(n.address), description);
    }
  }

  @Override
  void scan(EntryConsumer consumer) {
    ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, nodes.size()), r -> {
      Thread t = new Thread(r, "scan-" + description);
      t.setDaemon(true);
      return t;
    });
    try {
      List<Future<?>> futures = new ArrayList<>();
      for (RedisSource.NodeScan n : nodes) {
        futures.add(pool.submit(() -> {
          try {
            n.run(entry -> {
              boolean more = consumer.accept(entry);
              if (!more) {
                nodes.forEach(o -> o.stopped = true);
              }
              return more;
            });
          } catch (RuntimeException e) {
            nodes.forEach(o -> o.stopped = true);
            throw e;
          }
          if (sampleReached()) {
            nodes.forEach(o -> o.stopped = true);
          }
        }));
      }
      RuntimeException failure = null;
      for (Future<?> f : futures) {
        try {
          f.get();
        } catch (ExecutionException e) {
          if (failure == null) {
            failure = e.getCause() instanceof RuntimeException r ? r
                : new SourceException("io-error", -1, e.getCause().toString(), e.getCause());
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          nodes.forEach(o -> o.stopped = true);
          throw new SourceException("interrupted", -1, "scan of " + description + " interrupted after "
              + count() + " keys (cursor " + cursor() + ")", e);
        }
      }
      if (failure != null) {
        throw failure;
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Override
  public String cursor() {
    if (nodes.stream().allMatch(RedisSource.NodeScan::isDone)) {
      return "done";
    }
    StringBuilder b = new StringBuilder();
    for (RedisSource.NodeScan n : nodes) {
      b.append(b.length() == 0 ? "" : ",").append(n.address).append('=').append(n.cursor());
    }
    return b.toString();
  }

  @Override
  public String describe() {
    return description;
  }

  @Override
  public void close() {
    try {
      nodes.forEach(RedisSource.NodeScan::close);
      connection.close();
    } finally {
      RedisSource.shutdown(client);
    }
  }
}
