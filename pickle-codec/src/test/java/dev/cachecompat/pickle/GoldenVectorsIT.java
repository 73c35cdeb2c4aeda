package dev.cachecompat.pickle;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.cachecompat.testsupport.PythonInterpreter;
import dev.cachecompat.testsupport.Pythons;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The committed golden vectors are what the committed generator writes today: each real interpreter reruns
 * scripts/gen-pickle-vectors.py and every file must come out byte for byte the same.
 */
class GoldenVectorsIT {
  static List<String> interpreters() {
    return GoldenVectorsTest.INTERPRETERS;
  }

  @ParameterizedTest
  @MethodSource("interpreters")
  void committedVectorsMatchAFreshRun(String majorMinor, @TempDir Path out) throws IOException {
    PythonInterpreter python = Pythons.require(majorMinor);
    Path script = Path.of("..", "scripts", "gen-pickle-vectors.py").toAbsolutePath().normalize();
    python.runChecked("import runpy, sys\nsys.argv = ['gen-pickle-vectors.py', sys.argv[1]]\n"
        + "try:\n    runpy.run_path(" + pythonString(script.toString())
        + ", run_name='__main__')\nexcept SystemExit as e:\n    assert not e.code, e.code\n",
        new byte[0], out.toString());
    Path fresh = out.resolve(majorMinor);
    Path committed = GoldenVectorsTest.goldenRoot().resolve(majorMinor);
    List<String> freshNames = names(fresh);
    assertEquals(names(committed), freshNames, "file list of " + majorMinor);
    for (String name : freshNames) {
      assertArrayEquals(Files.readAllBytes(committed.resolve(name)), Files.readAllBytes(fresh.resolve(name)),
          majorMinor + "/" + name);
    }
  }

  private static List<String> names(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  private static String pythonString(String s) {
    return "'" + s.replace("\\", "\\\\").replace("'", "\\'") + "'";
  }
}
