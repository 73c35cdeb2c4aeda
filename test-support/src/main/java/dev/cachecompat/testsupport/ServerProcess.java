package dev.cachecompat.testsupport;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One real server process on 127.0.0.1, startable and stoppable again on the same port (for restart tests).
 * Its output goes to a log file in its own temporary directory, kept when start fails.
 */
public abstract class ServerProcess implements AutoCloseable {
  private final String executable;
  private final int port;
  private final Path dir;
  private Process process;

  ServerProcess(String executable, int port) {
    this.executable = Tools.require(executable);
    this.port = port;
    try {
      this.dir = Files.createTempDirectory("cachecompat-" + executable + "-" + port + "-");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The command line after the executable. */
  abstract List<String> arguments();

  /** The loopback host, {@code 127.0.0.1}. */
  public String host() {
    return "127.0.0.1";
  }

  /** The TCP port the server listens on. */
  public int port() {
    return port;
  }

  /** {@code host:port}. */
  public String address() {
    return host() + ":" + port;
  }

  /** The server's working directory (data files, logs). */
  public Path directory() {
    return dir;
  }

  /** Whether the process is running. */
  public synchronized boolean isRunning() {
    return process != null && process.isAlive();
  }

  /** Starts the process (again) and waits until it accepts connections. */
  public synchronized void start() {
    if (isRunning()) {
      return;
    }
    List<String> cmd = new ArrayList<>();
    cmd.add(executable);
    cmd.addAll(arguments());
    File log = dir.resolve("server.log").toFile();
    try {
      process = new ProcessBuilder(cmd).directory(dir.toFile())
          .redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.appendTo(log))
          .start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + cmd, e);
    }
    try {
      FreePorts.awaitListening(port, process, executable, 10_000);
      // Something else may have been listening on the port (a race with another process picking it): then our
      // server fails to bind and exits. Make sure it is ours that answers.
      FreePorts.sleep(50);
      if (!process.isAlive()) {
        throw new IllegalStateException(executable + " exited with status " + process.exitValue()
            + " right after start (port " + port + " taken?)");
      }
    } catch (RuntimeException e) {
      stop();
      throw new IllegalStateException(e.getMessage() + "; log: " + readLog(), e);
    }
  }

  /** Stops the process and waits for it to exit. */
  public synchronized void stop() {
    if (process == null) {
      return;
    }
    process.destroy();
    try {
      if (!process.waitFor(5, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
    process = null;
  }

  /** Stops and starts the process on the same port. */
  public void restart() {
    stop();
    start();
  }

  String readLog() {
    try {
      return Files.readString(dir.resolve("server.log"));
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }

  @Override
  public void close() {
    stop();
    Tools.deleteTree(dir);
  }

  @Override
  public String toString() {
    return getClass().getSimpleName() + "[" + address() + "]";
  }
}
