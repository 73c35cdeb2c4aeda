package dev.cachecompat.namespace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.cachecompat.core.PythonVersion;
import dev.cachecompat.testsupport.RealServers;
import dev.cachecompat.testsupport.RedisServer;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.resource.ClientResources;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The example at the top of docs/cache-namespacing.md, kept compiling and true. */
@RealServers
class DocsExampleIT {
  @Test
  void readmeExampleWritesBothNamespacesAndDeletesBoth(RedisServer server) throws Exception {
    ClientResources resources = Lettuce.resources();
    RedisClient client = Lettuce.standalone(resources, server);
    List<RejectedPayload> metrics = new ArrayList<>();
    try (StatefulRedisConnection<byte[], byte[]> connection = client.connect(ByteArrayCodec.INSTANCE)) {
      // --- as in the docs
      Namespace old = Namespace.django("shop", 2, PythonVersion.PY2_7);
      Namespace young = Namespace.django("shop", 3, PythonVersion.PY3_8);
      NamespaceGroup shop = NamespaceGroup.of(MigrationMode.DUAL_WRITE, old, young);

      NamespacedRedis cache = NamespacedRedis.builder(connection, shop, "shop:3")
          .options(ValueOptions.builder().listener(metrics::add).build())
          .build();
      cache.set("cart:42", 3, Duration.ofMinutes(5));
      assertEquals(3L, cache.get("cart:42"));
      // ---
      assertEquals("3", new String(connection.sync().get("shop:2:cart:42".getBytes(StandardCharsets.UTF_8)),
          StandardCharsets.US_ASCII));
      assertEquals(2, cache.delete("cart:42"));
      assertNull(connection.sync().get("shop:2:cart:42".getBytes(StandardCharsets.UTF_8)));
      assertEquals(List.of(), metrics);
    } finally {
      Lettuce.shutdown(resources, client);
    }
  }
}
