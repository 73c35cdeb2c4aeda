package dev.cachecompat.testsupport;

import java.util.List;

/** A real {@code memcached} on a free loopback port, 64 MiB of memory, one connection thread pool. */
public final class MemcachedServer extends ServerProcess {
  MemcachedServer() {
    super("memcached", FreePorts.find(false));
  }

  /** Starts a server on a free loopback port; close it when done. */
  public static MemcachedServer startNew() {
    return Tools.retry(3, () -> {
      MemcachedServer s = new MemcachedServer();
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
    return List.of("-l", "127.0.0.1", "-p", Integer.toString(port()), "-U", "0", "-m", "64", "-t", "2",
        "-u", "root");
  }

  /** {@code memcached://127.0.0.1:port}. */
  public String uri() {
    return "memcached://" + address();
  }
}
