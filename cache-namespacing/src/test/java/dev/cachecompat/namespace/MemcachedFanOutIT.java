package dev.cachecompat.namespace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cachecompat.core.PythonVersion;
import dev.cachecompat.testsupport.MemcachedServer;
import dev.cachecompat.testsupport.RealServers;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import net.rubyeye.xmemcached.MemcachedClient;
import net.rubyeye.xmemcached.XMemcachedClientBuilder;
import net.rubyeye.xmemcached.command.BinaryCommandFactory;
import net.rubyeye.xmemcached.command.TextCommandFactory;
import net.rubyeye.xmemcached.utils.AddrUtil;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The fan-out delete on memcached is pipelined: through a proxy that holds every chunk for {@value #DELAY_MS} ms
 * each way, a round trip costs at least {@code 2 * DELAY_MS}, so the clock tells how many round trips five
 * namespaces cost.
 */
@RealServers
class MemcachedFanOutIT {
  static final long DELAY_MS = 100;
  static final long ROUND_TRIP_MS = 2 * DELAY_MS;
  static final List<Namespace> FIVE = List.of(
      Namespace.django("fan", 1, PythonVersion.PY2_7),
      Namespace.django("fan", 2, PythonVersion.PY3_0),
      Namespace.django("fan", 3, PythonVersion.PY3_4),
      Namespace.django("fan", 4, PythonVersion.PY3_8),
      Namespace.django("fan", 5, PythonVersion.PY3_8));
  static final NamespaceGroup GROUP = NamespaceGroup.of(MigrationMode.OWN, FIVE);

  static MemcachedClient client(String address, String protocol) {
    XMemcachedClientBuilder b = new XMemcachedClientBuilder(AddrUtil.getAddresses(address));
    b.setCommandFactory(protocol.equals("binary") ? new BinaryCommandFactory() : new TextCommandFactory());
    b.setConnectTimeout(2_000);
    b.setOpTimeout(5_000);
    try {
      return b.build();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static void plant(MemcachedClient direct, String key, List<Namespace> where) throws Exception {
    for (Namespace ns : where) {
      assertTrue(direct.set(ns.rawKey(key), 60, new MemcachedValue(16, new byte[] {'v'}), RawTranscoder.INSTANCE,
          2_000));
    }
  }

  static List<Namespace> holding(MemcachedClient direct, String key) throws Exception {
    List<Namespace> found = new ArrayList<>();
    for (Namespace ns : FIVE) {
      if (direct.get(ns.rawKey(key), 2_000, RawTranscoder.INSTANCE) != null) {
        found.add(ns);
      }
    }
    return found;
  }

  @ParameterizedTest
  @ValueSource(strings = {"text", "binary"})
  void fanOutDeleteOfFiveNamespacesCostsAboutOneRoundTrip(String protocol, MemcachedServer server)
      throws Exception {
    MemcachedClient direct = client(server.address(), protocol);
    try (LatencyProxy proxy = new LatencyProxy(server.host(), server.port(), DELAY_MS)) {
      MemcachedClient slow = client(proxy.address(), protocol);
      try {
        NamespacedMemcached mc = NamespacedMemcached.builder(slow, GROUP, "fan:4").timeoutMillis(5_000).build();
        String key = "pipe:" + protocol;
        // the bare client's blocking deletes, to show what the proxy costs per round trip
        plant(direct, key, FIVE);
        long t0 = System.nanoTime();
        for (Namespace ns : FIVE) {
          assertTrue(slow.delete(ns.rawKey(key), 5_000L));
        }
        long sequential = (System.nanoTime() - t0) / 1_000_000;
        assertTrue(sequential >= 5 * ROUND_TRIP_MS, "5 blocking deletes took " + sequential + " ms");

        plant(direct, key, FIVE);
        mc.delete("warm-up"); // the first command pays for class loading
        long t1 = System.nanoTime();
        assertTrue(mc.delete(key));
        long pipelined = (System.nanoTime() - t1) / 1_000_000;
        assertEquals(List.of(), holding(direct, key));
        assertTrue(pipelined < 3 * ROUND_TRIP_MS, "pipelined fan-out delete of 5 namespaces took " + pipelined
            + " ms, blocking deletes " + sequential + " ms; one round trip is " + ROUND_TRIP_MS + " ms");

        // each namespace's own reply still counts: a key in one namespace only is found, then gone everywhere
        plant(direct, key, List.of(FIVE.get(2)));
        assertTrue(mc.delete(key));
        assertFalse(mc.delete(key));

        // a write in OWN mode: one round trip for the set, one for the four pipelined deletes
        plant(direct, key, FIVE);
        long t2 = System.nanoTime();
        mc.set(key, "new", 60);
        long write = (System.nanoTime() - t2) / 1_000_000;
        assertEquals(List.of(FIVE.get(3)), holding(direct, key));
        assertTrue(write < 4 * ROUND_TRIP_MS, "set plus pipelined deletes in 4 namespaces took " + write + " ms");
        assertEquals("new", mc.get(key));
      } finally {
        Servers.shutdown(slow);
      }
    } finally {
      Servers.shutdown(direct);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"text", "binary"})
  void fanOutDeleteFailsClearlyWhenNoReplyComesInTime(String protocol, MemcachedServer server) throws Exception {
    try (LatencyProxy proxy = new LatencyProxy(server.host(), server.port(), 1_500)) {
      MemcachedClient slow = client(proxy.address(), protocol);
      try {
        NamespacedMemcached mc = NamespacedMemcached.builder(slow, GROUP, "fan:4").timeoutMillis(500).build();
        NamespaceException e = assertThrows(NamespaceException.class, () -> mc.delete("late"));
        assertEquals("server-unavailable", e.code());
        assertEquals("memcached delete of key 'fan:1:late' timed out after 500 ms (pipelined with 4 other"
            + " deletes)", e.getMessage());
      } finally {
        Servers.shutdown(slow);
      }
    }
  }

  @Test
  void aClientThatSanitizesKeysIsRefused(MemcachedServer server) {
    MemcachedClient sanitizing = client(server.address(), "text");
    try {
      sanitizing.setSanitizeKeys(true);
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> NamespacedMemcached.builder(sanitizing, GROUP, "fan:1"));
      assertTrue(e.getMessage().startsWith("the Xmemcached client sanitizes (URL-encodes) keys"), e.getMessage());
    } finally {
      Servers.shutdown(sanitizing);
    }
  }
}
