package dev.cachecompat.testsupport;

import java.util.ArrayList;
import java.util.List;

/** A real {@code redis-server} on a free loopback port, without persistence unless asked for. */
public final class RedisServer extends ServerProcess {
  private final boolean cluster;

  RedisServer(boolean cluster) {
    super("redis-server", FreePorts.find(cluster));
    this.cluster = cluster;
  }

  /** Starts a standalone server on a free loopback port; close it when done. */
  public static RedisServer startNew() {
    return Tools.retry(3, () -> {
      RedisServer s = new RedisServer(false);
      try {
        s.start();
        return s;
      } catch (RuntimeException e) {
        s.close();
        throw e;
      }
    });
  }

  @Override
  List<String> arguments() {
    List<String> a = new ArrayList<>(List.of("--port", Integer.toString(port()), "--bind", "127.0.0.1",
        "--save", "", "--appendonly", "no", "--dir", directory().toString(), "--dbfilename", "dump.rdb",
        "--protected-mode", "no"));
    if (cluster) {
      a.addAll(List.of("--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf",
          "--cluster-node-timeout", "5000"));
    }
    return a;
  }

  /** {@code redis://127.0.0.1:port}. */
  public String uri() {
    return "redis://" + address();
  }

  /** Runs {@code redis-cli -p port ARGS...} against this server and returns its output, trimmed. */
  public String cli(String... args) {
    List<String> cmd = new ArrayList<>(List.of(Tools.require("redis-cli"), "-h", host(), "-p",
        Integer.toString(port())));
    cmd.addAll(List.of(args));
    return Tools.run(cmd, 30).trim();
  }
}
