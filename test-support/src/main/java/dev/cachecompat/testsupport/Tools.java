package dev.cachecompat.testsupport;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** Finding executables and running short commands. */
final class Tools {
  private Tools() {}

  /** The absolute path of {@code name} on PATH (or /usr/sbin, /usr/bin), or a clear failure naming the fix. */
  static String require(String name) {
    String path = System.getenv().getOrDefault("PATH", "") + File.pathSeparator + "/usr/sbin:/usr/bin:/usr/local/bin"
        + File.pathSeparator + System.getProperty("user.home") + "/.pyenv/bin";
    for (String dir : path.split(File.pathSeparator)) {
      if (dir.isEmpty()) {
        continue;
      }
      Path p = Path.of(dir, name);
      if (Files.isExecutable(p)) {
        return p.toString();
      }
    }
    throw new IllegalStateException(name + " is not installed; scripts/test installs it on Debian/Ubuntu"
        + " (apt-get install memcached redis-server redis-tools)");
  }

  /** Runs a command, waits at most {@code timeoutSeconds}, and returns its standard output; fails on non-zero. */
  static String run(List<String> cmd, int timeoutSeconds) {
    try {
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
      p.getOutputStream().close();
      CompletableFuture<byte[]> out = readAsync(p.getInputStream());
      if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IllegalStateException(cmd + " did not finish within " + timeoutSeconds + " s");
      }
      String text = new String(out.join(), StandardCharsets.UTF_8);
      if (p.exitValue() != 0) {
        throw new IllegalStateException(cmd + " exited with " + p.exitValue() + ": " + text);
      }
      return text;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot run " + cmd, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted running " + cmd, e);
    }
  }

  /**
   * Runs {@code start} up to {@code attempts} times, for server starts that can lose a free port to another
   * process between choosing it and binding it; the last failure carries the earlier ones as suppressed.
   */
  static <T> T retry(int attempts, java.util.function.Supplier<T> start) {
    RuntimeException failure = null;
    for (int i = 0; i < attempts; i++) {
      try {
        return start.get();
      } catch (RuntimeException e) {
        if (failure != null) {
          e.addSuppressed(failure);
        }
        failure = e;
      }
    }
    throw failure;
  }

  static CompletableFuture<byte[]> readAsync(InputStream in) {
    return CompletableFuture.supplyAsync(() -> {
      try (in) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        in.transferTo(b);
        return b.toByteArray();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    });
  }

  static void deleteTree(Path dir) {
    try (Stream<Path> s = Files.walk(dir)) {
      s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // best effort: a temp directory left behind is not a test failure
    }
  }
}
