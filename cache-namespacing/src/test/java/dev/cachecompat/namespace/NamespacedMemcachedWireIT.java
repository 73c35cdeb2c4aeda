package dev.cachecompat.namespace;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cachecompat.core.PythonVersion;
import dev.cachecompat.testsupport.MemcachedServer;
import dev.cachecompat.testsupport.RealServers;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.rubyeye.xmemcached.MemcachedClient;
import net.rubyeye.xmemcached.XMemcachedClientBuilder;
import net.rubyeye.xmemcached.command.BinaryCommandFactory;
import net.rubyeye.xmemcached.command.TextCommandFactory;
import net.rubyeye.xmemcached.utils.AddrUtil;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What the namespaced client sends, counted by the server itself ({@code stats}: commands by kind and bytes
 * read): a SET or GET in a group with no other namespace is one command of exactly the bare client's wire size,
 * with no fan-out delete and no read, so on the same server it can cost no extra round trip.
 */
@RealServers
class NamespacedMemcachedWireIT {
  static final Namespace ONLY = Namespace.django("wire", 1, PythonVersion.PY3_8);
  static final Namespace OTHER = Namespace.django("wire", 2, PythonVersion.PY2_7);
  static final List<String> COUNTERS = List.of("cmd_set", "cmd_get", "get_hits", "get_misses", "delete_hits",
      "delete_misses", "cmd_touch", "bytes_read");
  static final byte[] VALUE = "0123456789".repeat(70).getBytes(StandardCharsets.US_ASCII);

  static MemcachedClient client;
  static long statsBytes;

  @BeforeAll
  static void connect(MemcachedServer server) throws Exception {
    client = Servers.memcached(server);
    // the stats request itself is read by the server too: measure it once, subtract it from every delta
    Map<String, Long> a = stats();
    Map<String, Long> b = stats();
    statsBytes = b.get("bytes_read") - a.get("bytes_read");
    assertEquals("stats\r\n".length(), statsBytes, "Xmemcached's stats request");
  }

  @AfterAll
  static void close() {
    Servers.shutdown(client);
  }

  static Map<String, Long> stats() throws Exception {
    Map<String, String> s = client.getStats().values().iterator().next();
    Map<String, Long> out = new LinkedHashMap<>();
    for (String k : COUNTERS) {
      out.put(k, Long.parseLong(s.get(k)));
    }
    return out;
  }

  /** The counters that moved between two stats calls, without the second stats request's own bytes. */
  static Map<String, Long> delta(Map<String, Long> before, Map<String, Long> after) {
    Map<String, Long> d = new LinkedHashMap<>();
    for (String k : COUNTERS) {
      long v = after.get(k) - before.get(k) - (k.equals("bytes_read") ? statsBytes : 0);
      if (v != 0) {
        d.put(k, v);
      }
    }
    return d;
  }

  static long setCommandBytes(String wireKey, int flags, int length) {
    return ("set " + wireKey + " " + flags + " 0 " + length + "\r\n").length() + length + 2;
  }

  static long getCommandBytes(String wireKey) {
    return ("get " + wireKey + "\r\n").length();
  }

  @Test
  void setWithNoOtherNamespaceSendsOneSetAndNothingElse() throws Exception {
    NamespacedMemcached mc =
        NamespacedMemcached.builder(client, NamespaceGroup.of(MigrationMode.OWN, ONLY), ONLY.name()).build();
    String wk = mc.wireKey("alone");
    Map<String, Long> before = stats();
    mc.set("alone", VALUE, 0);
    Map<String, Long> d = delta(before, stats());
    assertEquals(Map.of("cmd_set", 1L, "bytes_read", setCommandBytes(wk, MemcachedFlags.BYTES, VALUE.length)), d);
  }

  @Test
  void setWithNoOtherNamespaceSendsWhatTheBareClientSendsForTheSameFlags() throws Exception {
    NamespacedMemcached mc =
        NamespacedMemcached.builder(client, NamespaceGroup.of(MigrationMode.OWN, ONLY), ONLY.name()).build();
    String wk = mc.wireKey("twin");
    Map<String, Long> before = stats();
    mc.set("twin", VALUE, 0);
    Map<String, Long> namespaced = delta(before, stats());
    before = stats();
    client.set(wk, 0, new MemcachedValue(MemcachedFlags.BYTES, VALUE), RawTranscoder.INSTANCE, 1_000);
    Map<String, Long> bare = delta(before, stats());
    assertEquals(bare, namespaced);
  }

  @Test
  void setWithAnotherNamespaceAddsExactlyOneDelete() throws Exception {
    NamespaceGroup group = NamespaceGroup.of(MigrationMode.OWN, ONLY, OTHER);
    NamespacedMemcached mc = NamespacedMemcached.builder(client, group, ONLY.name()).build();
    String wk = mc.wireKey("pair");
    String otherKey = OTHER.rawKey("pair");
    Map<String, Long> before = stats();
    mc.set("pair", VALUE, 0);
    Map<String, Long> d = delta(before, stats());
    assertEquals(Map.of("cmd_set", 1L, "delete_misses", 1L, "bytes_read",
        setCommandBytes(wk, MemcachedFlags.BYTES, VALUE.length) + ("delete " + otherKey + "\r\n").length()), d);
  }

  @Test
  void getSendsOneGetAndNothingElse() throws Exception {
    NamespacedMemcached mc =
        NamespacedMemcached.builder(client, NamespaceGroup.of(MigrationMode.OWN, ONLY), ONLY.name()).build();
    mc.set("read", VALUE, 0);
    String wk = mc.wireKey("read");
    Map<String, Long> before = stats();
    mc.get("read");
    Map<String, Long> d = delta(before, stats());
    assertEquals(Map.of("cmd_get", 1L, "get_hits", 1L, "bytes_read", getCommandBytes(wk)), d);
  }

  /**
   * A {@code byte[]} value is not copied by set or add (as with the bare client), which the contract allows only
   * because both wait for the server's reply: the caller may reuse the array as soon as they return. Fails if a
   * write ever returns before its bytes are sent (noreply, pipelining without waiting).
   */
  @ParameterizedTest
  @ValueSource(strings = {"text", "binary"})
  void aByteArrayValueMayBeReusedAsSoonAsSetOrAddReturns(String protocol, MemcachedServer server) throws Exception {
    XMemcachedClientBuilder b = new XMemcachedClientBuilder(AddrUtil.getAddresses(server.address()));
    b.setCommandFactory(protocol.equals("binary") ? new BinaryCommandFactory() : new TextCommandFactory());
    b.setOpTimeout(2_000);
    MemcachedClient own = b.build();
    try {
      NamespaceGroup group = NamespaceGroup.of(MigrationMode.OWN, ONLY, OTHER);
      NamespacedMemcached mc = NamespacedMemcached.builder(own, group, ONLY.name()).build();
      for (int round = 0; round < 50; round++) {
        byte[] expected = VALUE.clone();
        expected[0] = (byte) ('A' + round % 26);
        byte[] sent = expected.clone();
        mc.set("reuse:" + protocol, sent, 0);
        Arrays.fill(sent, (byte) '#');
        assertArrayEquals(expected, (byte[]) mc.get("reuse:" + protocol), "set, round " + round);
        sent = expected.clone();
        String addKey = "reuse-add:" + protocol + ":" + round;
        assertTrue(mc.add(addKey, sent, 0));
        Arrays.fill(sent, (byte) '%');
        assertArrayEquals(expected, (byte[]) mc.get(addKey), "add, round " + round);
      }
    } finally {
      try {
        own.shutdown();
      } catch (IOException e) {
        throw new AssertionError(e);
      }
    }
  }
}
