package dev.cachecompat.namespace;

import dev.cachecompat.testsupport.RedisCluster;
import dev.cachecompat.testsupport.RedisServer;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.Delay;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Lettuce clients for the test servers: short timeouts, fast reconnects, commands rejected while disconnected. */
final class Lettuce {
  private Lettuce() {}

  static ClientResources resources() {
    return ClientResources.builder().ioThreadPoolSize(2).computationThreadPoolSize(2)
        .reconnectDelay(Delay.constant(Duration.ofMillis(100))).build();
  }

  static RedisClient standalone(ClientResources res, RedisServer server) {
    RedisClient c = RedisClient.create(res, RedisURI.builder().withHost(server.host()).withPort(server.port())
        .withTimeout(Duration.ofSeconds(2)).build());
    c.setOptions(ClientOptions.builder().disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
        .timeoutOptions(TimeoutOptions.enabled(Duration.ofSeconds(2))).build());
    return c;
  }

  static RedisClusterClient cluster(ClientResources res, RedisCluster cluster) {
    List<RedisURI> uris = new ArrayList<>();
    for (RedisServer n : cluster.nodes()) {
      uris.add(RedisURI.builder().withHost(n.host()).withPort(n.port()).withTimeout(Duration.ofSeconds(2)).build());
    }
    RedisClusterClient c = RedisClusterClient.create(res, uris);
    // node connections open lazily, so a cluster client must accept commands while a node is still connecting
    c.setOptions(ClusterClientOptions.builder()
        .timeoutOptions(TimeoutOptions.enabled(Duration.ofSeconds(2))).build());
    return c;
  }

  static void shutdown(ClientResources res, AutoCloseable... clients) throws Exception {
    for (AutoCloseable c : clients) {
      if (c instanceof RedisClient) {
        ((RedisClient) c).shutdown(Duration.ZERO, Duration.ofSeconds(2));
      } else if (c instanceof RedisClusterClient) {
        ((RedisClusterClient) c).shutdown(Duration.ZERO, Duration.ofSeconds(2));
      } else if (c != null) {
        c.close();
      }
    }
    res.shutdown(0, 2, java.util.concurrent.TimeUnit.SECONDS).get();
  }
}
