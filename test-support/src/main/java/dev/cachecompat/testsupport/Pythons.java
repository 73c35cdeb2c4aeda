package dev.cachecompat.testsupport;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;

/**
 * The real Python interpreters on this machine: the pyenv versions ({@code $(pyenv root)/versions/X.Y.Z}) and
 * Debian's {@code /usr/bin/python3} with python3-django, python3-pymemcache and python3-redis.
 *
 * <p>A test that needs an interpreter asks {@link #require}: under CI ({@code CI=true}) a missing one fails the
 * test; elsewhere the test is skipped with a loud line on standard error and the reason in the test report.
 */
public final class Pythons {
  private static volatile List<PythonInterpreter> cached;

  private Pythons() {}

  /** Whether this run is CI ({@code CI=true}), where missing interpreters and tools are failures. */
  public static boolean inCi() {
    return "true".equalsIgnoreCase(System.getenv("CI"));
  }

  /** The pyenv root: what {@code pyenv root} says, else {@code $PYENV_ROOT}, else {@code ~/.pyenv}. */
  public static Path pyenvRoot() {
    try {
      String root = Tools.run(List.of(Tools.require("pyenv"), "root"), 30).trim();
      if (!root.isEmpty() && Files.isDirectory(Path.of(root))) {
        return Path.of(root);
      }
    } catch (RuntimeException noPyenvCommand) {
      // pyenv not on PATH (CI shells may lack its shims): fall back to where it installs by default
    }
    String env = System.getenv("PYENV_ROOT");
    if (env != null && !env.isEmpty()) {
      return Path.of(env);
    }
    return Path.of(System.getProperty("user.home"), ".pyenv");
  }

  /** Every pyenv interpreter, oldest first. */
  public static List<PythonInterpreter> all() {
    List<PythonInterpreter> list = cached;
    if (list == null) {
      list = scan();
      cached = list;
    }
    return list;
  }

  private static List<PythonInterpreter> scan() {
    Path versions = pyenvRoot().resolve("versions");
    List<PythonInterpreter> found = new ArrayList<>();
    if (!Files.isDirectory(versions)) {
      return List.of();
    }
    try (Stream<Path> s = Files.list(versions)) {
      s.filter(p -> p.getFileName().toString().matches("[23]\\.\\d+\\.\\d+")).forEach(p -> {
        String v = p.getFileName().toString();
        Path exe = p.resolve("bin").resolve(v.startsWith("2.") ? "python2" : "python3");
        if (!Files.isExecutable(exe)) {
          exe = p.resolve("bin").resolve("python");
        }
        if (Files.isExecutable(exe)) {
          found.add(new PythonInterpreter(v, exe));
        }
      });
    } catch (IOException e) {
      return List.of();
    }
    found.sort(Comparator.comparing(PythonInterpreter::version, Pythons::compareVersions));
    return List.copyOf(found);
  }

  static int compareVersions(String a, String b) {
    String[] x = a.split("\\.");
    String[] y = b.split("\\.");
    for (int i = 0; i < Math.min(x.length, y.length); i++) {
      int c = Integer.compare(Integer.parseInt(x[i]), Integer.parseInt(y[i]));
      if (c != 0) {
        return c;
      }
    }
    return Integer.compare(x.length, y.length);
  }

  /** The newest pyenv interpreter whose version starts with {@code majorMinor} (e.g. "2.7", "3.11"). */
  public static Optional<PythonInterpreter> find(String majorMinor) {
    PythonInterpreter best = null;
    for (PythonInterpreter p : all()) {
      if (p.majorMinor().equals(majorMinor)) {
        best = p;
      }
    }
    return Optional.ofNullable(best);
  }

  /**
   * The pyenv interpreter for {@code majorMinor}; if it is missing, fails under CI and otherwise skips the
   * calling test loudly.
   */
  public static PythonInterpreter require(String majorMinor) {
    Optional<PythonInterpreter> p = find(majorMinor);
    if (p.isPresent()) {
      return p.get();
    }
    missing("Python " + majorMinor + " (pyenv, under " + pyenvRoot() + ")");
    throw new AssertionError("unreachable");
  }

  /**
   * Debian's system python3 with python3-django, python3-pymemcache and python3-redis, which scripts/test
   * installs; if it or a module is missing, fails under CI and otherwise skips loudly.
   */
  public static PythonInterpreter system(String... modules) {
    Path exe = Path.of("/usr/bin/python3");
    if (!Files.isExecutable(exe)) {
      missing("/usr/bin/python3 (apt-get install python3)");
    }
    PythonInterpreter p = new PythonInterpreter(systemVersion(exe), exe);
    for (String m : modules) {
      if (p.run("import " + m, new byte[0]).exitCode() != 0) {
        missing("Python module " + m + " for /usr/bin/python3 (apt-get install python3-" + m + ")");
      }
    }
    return p;
  }

  private static String systemVersion(Path exe) {
    PythonInterpreter probe = new PythonInterpreter("3.0.0", exe);
    String v = probe.run("import sys; print('%d.%d.%d' % sys.version_info[:3])", new byte[0]).stdoutText().trim();
    return v.matches("\\d+\\.\\d+\\.\\d+") ? v : "3.0.0";
  }

  private static void missing(String what) {
    String message = what + " is not available";
    if (inCi()) {
      throw new AssertionError(message + " and CI=true: install it (scripts/test does)");
    }
    System.err.println("SKIPPED (needs " + what + "): " + message);
    Assumptions.abort("SKIPPED: " + message);
  }
}
