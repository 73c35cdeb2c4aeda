package dev.cachecompat.testsupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class PythonsIT {
  @Test
  void findsPyenvInterpretersOldestFirst() {
    assertFalse(Pythons.all().isEmpty() && Pythons.inCi(), "no pyenv interpreters under " + Pythons.pyenvRoot());
    for (int i = 1; i < Pythons.all().size(); i++) {
      String a = Pythons.all().get(i - 1).version();
      String b = Pythons.all().get(i).version();
      assertEquals(-1, Pythons.compareVersions(a, b), a + " before " + b);
    }
  }

  @Test
  void runsCodeInPython27() {
    PythonInterpreter py = Pythons.require("2.7");
    String out = new String(py.runChecked("import sys; sys.stdout.write(repr(sys.stdin.read()))",
        "hi".getBytes(StandardCharsets.US_ASCII)), StandardCharsets.UTF_8);
    assertEquals("'hi'", out);
  }

  @Test
  void runsCodeInPython313WithArguments() {
    PythonInterpreter py = Pythons.require("3.13");
    assertEquals("3.13", py.majorMinor());
    byte[] out = py.runChecked("import sys; print(' '.join(sys.argv[1:]), end='')", new byte[0], "a", "b");
    assertEquals("a b", new String(out, StandardCharsets.UTF_8));
  }

  @Test
  void systemPythonHasTheDebianClientPackages() {
    PythonInterpreter py = Pythons.system("django", "pymemcache", "redis");
    assertEquals("3", py.version().substring(0, 1));
  }
}
