package dev.cachecompat.verifier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class MainTest {
  @Test
  void noCommandIsAUsageErrorOnOneLine() {
    Cli r = Cli.run();
    assertEquals(2, r.status());
    assertEquals("cachecompat: a command is required (try --help)\n", r.err());
  }

  @Test
  void unknownOptionIsAUsageErrorWithoutStackTrace() {
    Cli r = Cli.run("inspect", "--bogus", "x");
    assertEquals(2, r.status());
    assertEquals(1, r.err().split("\n").length, r.err());
    assertTrue(r.err().startsWith("cachecompat: Unknown option: '--bogus'"), r.err());
    assertFalse(r.err().contains("\tat "), r.err());
  }

  @Test
  void versionNamesTheProduct() {
    Cli r = Cli.run("--version");
    assertEquals(0, r.status());
    assertTrue(r.out().startsWith("cachecompat "), r.out());
  }

  @Test
  void helpListsTheExitCodes() {
    Cli r = Cli.run("--help");
    assertEquals(0, r.status());
    assertTrue(r.out().contains("2   usage or I/O error"), r.out());
  }
}
