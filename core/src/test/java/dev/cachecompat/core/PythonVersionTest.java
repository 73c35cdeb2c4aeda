package dev.cachecompat.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class PythonVersionTest {
  @Test
  void parsesMajorMinorAndIgnoresMicro() {
    assertEquals(PythonVersion.PY2_7, PythonVersion.parse("2.7"));
    assertEquals(new PythonVersion(3, 11), PythonVersion.parse("3.11.7"));
  }

  @Test
  void refusesVersionsThatCannotReadPickles() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> PythonVersion.parse("2.6"));
    assertEquals("Python version must be 2.7 or 3.x: 2.6", e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> PythonVersion.parse("three"));
    assertEquals("not a Python version (want e.g. 2.7 or 3.8): 'three'", e.getMessage());
  }

  @Test
  void highestProtocolFollowsTheLoadingMilestones() {
    assertEquals(2, PythonVersion.PY2_7.highestPickleProtocol());
    assertEquals(3, new PythonVersion(3, 3).highestPickleProtocol());
    assertEquals(4, new PythonVersion(3, 7).highestPickleProtocol());
    assertEquals(5, new PythonVersion(3, 13).highestPickleProtocol());
  }

  @Test
  void oldestLoaderIsTheInverseOfHighestProtocol() {
    for (int p = 0; p <= 5; p++) {
      PythonVersion v = PythonVersion.oldestLoadingProtocol(p);
      assertTrue(v.highestPickleProtocol() >= p, "protocol " + p);
    }
    assertEquals(PythonVersion.PY3_4, PythonVersion.oldestLoadingProtocol(4));
    assertThrows(IllegalArgumentException.class, () -> PythonVersion.oldestLoadingProtocol(6));
  }

  @Test
  void ordersByVersion() {
    assertTrue(PythonVersion.PY3_8.atLeast(PythonVersion.PY3_4));
    assertTrue(PythonVersion.PY2_7.compareTo(PythonVersion.PY3_0) < 0);
    assertEquals("3.10", new PythonVersion(3, 10).toString());
  }
}
