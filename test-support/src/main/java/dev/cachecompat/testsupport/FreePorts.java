package dev.cachecompat.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.concurrent.ThreadLocalRandom;

/** Finds free TCP ports on the loopback address. */
final class FreePorts {
  private FreePorts() {}

  /** A port free on 127.0.0.1 now, whose cluster bus port (+10000) is free too when {@code withBus}. */
  static int find(boolean withBus) {
    for (int attempt = 0; attempt < 200; attempt++) {
      int port = ThreadLocalRandom.current().nextInt(20000, 55000);
      if (isFree(port) && (!withBus || isFree(port + 10000))) {
        return port;
      }
    }
    throw new IllegalStateException("no free loopback port found after 200 attempts");
  }

  static boolean isFree(int port) {
    try (ServerSocket s = new ServerSocket()) {
      s.setReuseAddress(false);
      s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  static void awaitListening(int port, Process process, String what, long timeoutMillis) {
    long deadline = System.nanoTime() + timeoutMillis * 1_000_000L;
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException(what + " exited with status " + process.exitValue() + " before listening");
      }
      try (java.net.Socket s = new java.net.Socket()) {
        s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
        return;
      } catch (IOException e) {
        sleep(25);
      }
    }
    throw new UncheckedIOException(new IOException(what + " did not listen on 127.0.0.1:" + port
        + " within " + timeoutMillis + " ms"));
  }

  static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }
}
