package dev.cachecompat.verifier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.PrintStream;
import java.util.List;
import org.junit.jupiter.api.Test;

class MainTest {
  /** The top-level commands, in the order the help lists them. */
  private static final List<String> COMMANDS =
      List.of("inspect", "decode", "json", "scan", "migrate", "bench", "demo");

  @Test
  void noCommandIsAUsageErrorOnOneLine() {
    Cli r = Cli.run();
    assertEquals(2, r.status());
    assertEquals("cachecompat: a command is required (try cachecompat --help)\n", r.err());
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

  @Test
  void helpListsEveryCommandInOrder() {
    Cli r = Cli.run("--help");
    assertEquals(0, r.status());
    int at = r.out().indexOf("Commands:");
    assertTrue(at > 0, r.out());
    for (String command : COMMANDS) {
      int next = r.out().indexOf("\n  " + command + " ", at);
      assertTrue(next > at, command + " missing or out of order in " + r.out());
      at = next;
    }
  }

  @Test
  void aNamedCommandIsBuiltAloneAndAnythingElseGetsThemAll() {
    Main main = new Main(new Console(new ByteArrayInputStream(new byte[0]), new PrintStream(System.out),
        new PrintStream(System.err), false));
    assertEquals(List.of("scan"), List.copyOf(Main.commandLine(main, new String[] {"scan", "x"})
        .getSubcommands().keySet()));
    assertEquals(List.of("json"), List.copyOf(Main.commandLine(main, new String[] {"json", "check"})
        .getSubcommands().keySet()));
    for (String[] args : List.of(new String[0], new String[] {"--debug", "scan"}, new String[] {"sacn"},
        new String[] {"--help"})) {
      assertEquals(COMMANDS, List.copyOf(Main.commandLine(main, args).getSubcommands().keySet()),
          String.join(" ", args));
    }
  }

  @Test
  void aCommandBuiltAloneStillNamesItselfUnderTheProduct() {
    Cli r = Cli.run("scan", "--help");
    assertEquals(0, r.status());
    assertTrue(r.out().startsWith("Scan live caches and dumps: what each worker generation can read.\n"
        + "Usage: cachecompat scan "), r.out());
  }

  @Test
  void everyCommandHasHelpWithTheExitCodes() {
    for (String command : List.of("inspect", "decode", "json", "json canonicalize", "json check", "scan",
        "migrate", "bench", "demo")) {
      String[] args = (command + " --help").split(" ");
      Cli r = Cli.run(args);
      assertEquals(0, r.status(), command + ": " + r.err());
      assertTrue(r.out().contains("Usage: cachecompat " + command + " "), r.out());
      assertTrue(r.out().contains("2   usage or I/O error"), r.out());
      assertEquals("", r.err());
    }
  }

  @Test
  void aMistypedCommandIsAUsageError() {
    Cli r = Cli.run("sacn");
    assertEquals(2, r.status());
    assertEquals("cachecompat: Unmatched argument at index 0: 'sacn' (try cachecompat --help)\n", r.err());
  }

  @Test
  void aUsageErrorPointsAtTheHelpOfTheCommandThatRefusedIt() {
    assertEquals("cachecompat: Missing required parameter: 'PATH' (try cachecompat inspect --help)\n",
        Cli.run("inspect").err());
    assertEquals("cachecompat: Missing required parameter: 'PATH' (try cachecompat json check --help)\n",
        Cli.run("json", "check").err());
    assertEquals("cachecompat: json needs a subcommand: canonicalize or check (try cachecompat json --help)\n",
        Cli.run("json").err());
  }

  @Test
  void optionsBeforeTheCommandStillReachIt() {
    Cli r = Cli.run("--debug", "inspect", "--bogus", "x");
    assertEquals(2, r.status());
    assertTrue(r.err().startsWith("cachecompat: Unknown option: '--bogus'"), r.err());
  }
}
