package dev.cachecompat.pickle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cachecompat.core.Finding;
import dev.cachecompat.core.Verdict;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Malicious pickles written by real Python 2.7 and 3.13 (scripts/gen-malicious-pickles.py; never unpickled) are
 * unsafe, with a dangerous-global finding naming the gadget, and the globals the inspector reports are the ones
 * pickletools.genops found.
 */
class MaliciousCorpusTest {
  record Case(String file, String python, int protocol, String gadget, List<String> globals, byte[] data) {
    @Override
    public String toString() {
      return file;
    }
  }

  static List<Case> corpus() {
    List<Case> cases = new ArrayList<>();
    for (String line : MalformedCorpusTest.resource("/malicious/index.tsv").split("\n")) {
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      String[] f = line.split("\t", -1);
      cases.add(new Case(f[0], f[1], Integer.parseInt(f[2]), f[3], Arrays.asList(f[4].split(",")),
          MalformedCorpusTest.bytes("/malicious/" + f[0])));
    }
    return cases;
  }

  static Stream<Arguments> cases() {
    return corpus().stream().map(Arguments::of);
  }

  @Test
  void corpusCoversBothPythonsEveryProtocolAndHandAssembledOpcodes() {
    List<Case> all = corpus();
    for (int proto = 0; proto <= 5; proto++) {
      int p = proto;
      assertTrue(all.stream().anyMatch(c -> c.python().startsWith("3.") && c.protocol() == p), "py3 p" + p);
    }
    for (int proto = 0; proto <= 2; proto++) {
      int p = proto;
      assertTrue(all.stream().anyMatch(c -> c.python().startsWith("2.") && c.protocol() == p), "py2 p" + p);
    }
    for (String hand : List.of("inst-os-system", "obj-os-system", "stack-global-memo", "memo-strings-os-system",
        "dotted-os-path", "global-nt-system", "partial-os-system", "attrgetter", "commands-getoutput")) {
      assertTrue(all.stream().anyMatch(c -> c.file().startsWith(hand + "-")), hand);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void isUnsafeNamingTheGadget(Case c) {
    PickleReport r = PickleInspector.defaults().inspect(c.data());
    assertEquals(Verdict.UNSAFE, r.verdict(), r.findings().toString());
    List<Finding> dangerous = r.findings().stream().filter(f -> f.code().equals("dangerous-global")).toList();
    assertTrue(dangerous.stream().anyMatch(f -> f.message().contains(" references " + c.gadget() + ", ")),
        "no dangerous-global for " + c.gadget() + " in " + r.findings());
    assertEquals(c.globals(), r.globals());
  }

  @Test
  void allowingTheGadgetDoesNotMakeItSafe() {
    for (Case c : corpus()) {
      PickleInspector allowing = PickleInspector.builder().allowGlobal(c.gadget()).build();
      assertEquals(Verdict.UNSAFE, allowing.inspect(c.data()).verdict(), c.file());
    }
  }
}
