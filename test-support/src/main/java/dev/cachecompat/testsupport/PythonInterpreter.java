package dev.cachecompat.testsupport;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** One real Python interpreter (a pyenv version, or Debian's system python3) that runs scripts. */
public final class PythonInterpreter {
  private final String version;
  private final Path executable;

  PythonInterpreter(String version, Path executable) {
    this.version = version;
    this.executable = executable;
  }

  /** The full version, e.g. {@code "2.7.18"} or {@code "3.13.0"}. */
  public String version() {
    return version;
  }

  /** {@code "major.minor"}, e.g. {@code "2.7"}. */
  public String majorMinor() {
    String[] p = version.split("\\.");
    return p[0] + "." + p[1];
  }

  /** Whether this is Python 2. */
  public boolean isPython2() {
    return version.startsWith("2.");
  }

  /** The interpreter's executable. */
  public Path executable() {
    return executable;
  }

  /**
   * Runs {@code code} with {@code python -c}, feeding {@code stdin}, with the arguments after it in
   * {@code sys.argv[1:]}, and waits at most 120 s.
   *
   * @return the exit status with standard output and error
   */
  public Result run(String code, byte[] stdin, String... args) {
    List<String> cmd = new ArrayList<>(List.of(executable.toString(), "-c", code));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd);
    Map<String, String> env = pb.environment();
    env.put("PYTHONIOENCODING", "utf-8");
    env.put("PYTHONHASHSEED", "0");
    env.put("PYTHONDONTWRITEBYTECODE", "1");
    env.remove("PYTHONPATH");
    try {
      Process p = pb.start();
      CompletableFuture<byte[]> out = Tools.readAsync(p.getInputStream());
      CompletableFuture<byte[]> err = Tools.readAsync(p.getErrorStream());
      try (OutputStream in = p.getOutputStream()) {
        in.write(stdin);
      } catch (IOException e) {
        // the script may not read its input; what it wrote still tells
      }
      if (!p.waitFor(120, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IllegalStateException("Python " + version + " did not finish within 120 s");
      }
      return new Result(p.exitValue(), out.join(), new String(err.join(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot run " + executable, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted running Python " + version, e);
    }
  }

  /** Runs {@code code} like {@link #run} and returns its standard output, failing unless it exits 0. */
  public byte[] runChecked(String code, byte[] stdin, String... args) {
    Result r = run(code, stdin, args);
    if (r.exitCode() != 0) {
      throw new AssertionError("Python " + version + " exited with " + r.exitCode() + ":\n" + r.stderr());
    }
    return r.stdout();
  }

  @Override
  public String toString() {
    return "Python " + version;
  }

  /** What a script run returned. */
  public record Result(int exitCode, byte[] stdout, String stderr) {
    /** Standard output as UTF-8 text. */
    public String stdoutText() {
      return new String(stdout, StandardCharsets.UTF_8);
    }
  }
}
