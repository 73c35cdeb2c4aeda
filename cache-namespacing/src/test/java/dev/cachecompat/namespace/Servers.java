package dev.cachecompat.namespace;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cachecompat.testsupport.MemcachedServer;
import dev.cachecompat.testsupport.PythonInterpreter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import net.rubyeye.xmemcached.MemcachedClient;
import net.rubyeye.xmemcached.XMemcachedClientBuilder;
import net.rubyeye.xmemcached.utils.AddrUtil;

/** Clients for the real servers, and running the committed Python scripts against them. */
final class Servers {
  static final ObjectMapper JSON = new ObjectMapper();

  private Servers() {}

  static MemcachedClient memcached(MemcachedServer server) {
    XMemcachedClientBuilder b = new XMemcachedClientBuilder(AddrUtil.getAddresses(server.address()));
    b.setConnectTimeout(1_000);
    b.setOpTimeout(1_000);
    b.setHealSessionInterval(200);
    b.setEnableHealSession(true);
    try {
      return b.build();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static void shutdown(MemcachedClient c) {
    try {
      c.shutdown();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Runs a script; returns its JSON output lines, keyed by their "key" field. */
  static Map<String, Map<String, Object>> runForKeys(PythonInterpreter py, String script, byte[] stdin,
      String... args) {
    String out = new String(py.runChecked(PythonScripts.load(script), stdin, args), StandardCharsets.UTF_8);
    Map<String, Map<String, Object>> rows = new LinkedHashMap<>();
    for (String line : out.split("\n")) {
      if (line.isBlank()) {
        continue;
      }
      try {
        @SuppressWarnings("unchecked")
        Map<String, Object> row = JSON.readValue(line, Map.class);
        rows.put((String) row.get("key"), row);
      } catch (IOException e) {
        throw new AssertionError("bad script output line: " + line, e);
      }
    }
    return rows;
  }

  static byte[] jsonLines(List<?> rows) {
    StringBuilder b = new StringBuilder();
    for (Object r : rows) {
      try {
        b.append(JSON.writeValueAsString(r)).append('\n');
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return b.toString().getBytes(StandardCharsets.UTF_8);
  }

  static String[] args(String host, int port, List<String> keys) {
    List<String> a = new ArrayList<>(List.of(host, Integer.toString(port)));
    a.addAll(keys);
    return a.toArray(new String[0]);
  }

  /** A thread-safe listener that keeps what it is told. */
  static final class Recorder implements PayloadListener {
    final List<RejectedPayload> seen = new CopyOnWriteArrayList<>();

    @Override
    public void rejected(RejectedPayload r) {
      seen.add(r);
    }
  }
}
