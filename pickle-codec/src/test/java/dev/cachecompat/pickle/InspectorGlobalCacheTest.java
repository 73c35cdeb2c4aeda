package dev.cachecompat.pickle;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.cachecompat.core.PythonVersion;
import dev.cachecompat.core.Verdict;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The per-thread cache of global verdicts ({@link InspectorPass.ResolvedGlobal}) never carries a verdict from
 * one inspector, protocol or payload to another: the same global alternately inspected under different
 * allowlists and protocols on one thread gets each time the report a fresh pass would give.
 */
class InspectorGlobalCacheTest {
  private static byte[] p(String s) {
    return s.getBytes(StandardCharsets.ISO_8859_1);
  }

  @Test
  void allowlistsOfDifferentInspectorsAreNotMixedUp() {
    PickleInspector strict = PickleInspector.defaults();
    PickleInspector allowing = PickleInspector.builder().allowGlobal("myapp.models.Point").build();
    byte[] b = p("cmyapp.models\nPoint\n)R.");
    for (int i = 0; i < 3; i++) {
      assertEquals(Verdict.UNSAFE, strict.inspect(b).verdict());
      assertEquals(Verdict.VALID, allowing.inspect(b).verdict());
    }
    assertEquals("unknown-global", strict.inspect(b).firstError().code());
  }

  @Test
  void python2NamesAreMappedOnlyBelowProtocol3EvenWhenCached() {
    byte[] p2 = p("\u0080\u0002c__builtin__\nset\n)R.");
    byte[] p3 = p("\u0080\u0003c__builtin__\nset\n)R.");
    for (int i = 0; i < 3; i++) {
      assertEquals(Verdict.VALID, PickleInspector.defaults().inspect(p2).verdict());
      assertEquals(Verdict.UNSAFE, PickleInspector.defaults().inspect(p3).verdict());
    }
  }

  @Test
  void cachedVerdictsEqualAFreshResolution() {
    List<String> names = List.of("os\nsystem", "builtins\nset", "datetime\ndatetime", "copy_reg\n_reconstructor",
        "__builtin__\neval", "myapp\nThing", "collections\nOrderedDict", "uuid\nSafeUUID");
    List<String> first = new ArrayList<>();
    // more names than the cache holds, twice over, so entries are both hit and replaced
    for (int round = 0; round < 3; round++) {
      for (int k = 0; k < 3; k++) {
        for (String n : names) {
          String[] mn = n.split("\n");
          InspectorPass.ResolvedGlobal fresh = new InspectorPass.ResolvedGlobal(mn[0] + k, mn[1]);
          PickleReport r = PickleInspector.defaults().inspect(p("\u0080\u0002c" + mn[0] + k + "\n" + mn[1] + "\n)R."));
          assertEquals(fresh.qualified, r.globals().get(0));
          String code = r.firstError() == null ? "valid" : r.firstError().code();
          String expected = fresh.danger != null ? "dangerous-global"
              : fresh.allowed(2, PickleInspector.defaults().allowedGlobals()) ? "valid" : "unknown-global";
          assertEquals(expected, code, n);
          if (round == 0) {
            first.add(r.toString());
          } else {
            assertEquals(first.get(k * names.size() + names.indexOf(n)), r.toString());
          }
        }
      }
    }
    PickleReport dt = PickleInspector.defaults().inspect(p("\u0080\u0002cdatetime\ndatetime\n)R."));
    assertEquals(PythonVersion.PY2_7, dt.minPython());
    assertEquals(Verdict.VALID, dt.verdict());
  }

  @Test
  void aNameWithALoneSurrogateIsNotFoundByTheBytesOfAnotherName() {
    // UNICODE's raw-unicode-escape makes the module "\ud800", which has no UTF-8 form (Java encodes it as "?")
    PickleReport surrogate = PickleInspector.defaults().inspect(p("\u0080\u0004V\\ud800\n\u008c\u0001x\u0093)R."));
    assertEquals(List.of("\ud800.x"), surrogate.globals());
    PickleReport question = PickleInspector.defaults().inspect(p("\u0080\u0004\u008c\u0001?\u008c\u0001x\u0093)R."));
    assertEquals(List.of("?.x"), question.globals());
    PickleReport global = PickleInspector.defaults().inspect(p("\u0080\u0002c?\nx\n)R."));
    assertEquals(List.of("?.x"), global.globals());
  }

  @Test
  void stackGlobalAndGlobalFindTheSameCachedName() {
    byte[] stack = p("\u0080\u0004\u008c\u0008datetime\u008c\u0008datetime\u0093)R.");
    byte[] line = p("\u0080\u0002cdatetime\ndatetime\n)R.");
    byte[] accented = p("\u0080\u0004\u008c\u0002\u00c3\u00a9\u008c\u0001x\u0093)R.");
    for (int i = 0; i < 3; i++) {
      for (byte[] b : List.of(stack, line)) {
        PickleReport r = PickleInspector.defaults().inspect(b);
        assertEquals(Verdict.VALID, r.verdict());
        assertEquals(List.of("datetime.datetime"), r.globals());
      }
      PickleReport r = PickleInspector.defaults().inspect(accented);
      assertEquals(List.of("\u00e9.x"), r.globals());
      assertEquals("unknown-global", r.firstError().code());
    }
  }

  @Test
  void globalsAreListedOnceInOrderWhateverPathFoundThem() {
    byte[] b = p("\u0080\u0004\u008c\u0001a\u008c\u0001b\u0093\u00940\u008c\u0001c\u008c\u0001d\u00930"
        + "\u008c\u0001a\u008c\u0001b\u00930cb\nc\n0ca\nb\n).");
    byte[] two = p("\u0080\u0004\u008c\u0001a\u008c\u0001b\u00930cc\nd\n0ca\nb\n0cc\nd\n).");
    byte[] swapped = p("\u0080\u0004cc\nd\n0ca\nb\n).");
    for (int i = 0; i < 3; i++) {
      assertEquals(List.of("a.b", "c.d", "b.c"), PickleInspector.defaults().inspect(b).globals());
      assertEquals(List.of("a.b", "c.d"), PickleInspector.defaults().inspect(two).globals());
      assertEquals(List.of("c.d", "a.b"), PickleInspector.defaults().inspect(swapped).globals());
    }
  }

  /**
   * A finding-free pass may hand back a report this thread made before (InspectorPass keeps them per protocol
   * pair and globals list): payloads differing only in declared protocol (none, 2-5), opcode protocol, globals and
   * verdict, inspected in turn on one thread, each get the report a fresh thread's first pass gives.
   */
  @Test
  void reportsKeptOnAThreadAreReturnedOnlyForTheSameFields() throws Exception {
    List<byte[]> payloads = List.of(
        p("N."), p("\u0080\u0002N."), p("\u0080\u0003N."), p("\u0080\u0004N."), p("\u0080\u0005N."),
        p("\u0080\u0002\u0088."), p("\u0080\u0004\u008c\u0001a\u0094."), p("\u008c\u0001a."),
        p("\u0080\u0002cdatetime\ndate\n)R."), p("\u0080\u0004cdatetime\ndate\n)R."),
        p("\u0080\u0002cdatetime\ndate\n)Rcdatetime\ntime\n)R\u0086."),
        p("\u0080\u0002cdatetime\ndate\n)Rcdatetime\ntimedelta\n)R\u0086."),
        p("\u0080\u0002cdatetime\ntime\n)Rcdatetime\ndate\n)R\u0086."),
        p("\u0080\u0002cos\nsystem\n)R."), p("\u0080\u0006N."), p("\u0080\u0002N"));
    PickleInspector inspector = PickleInspector.defaults();
    List<PickleReport> fresh = new ArrayList<>();
    for (byte[] b : payloads) {
      PickleReport[] r = new PickleReport[1];
      Thread t = new Thread(() -> r[0] = inspector.inspect(b));
      t.start();
      t.join();
      fresh.add(r[0]);
    }
    for (int round = 0; round < 3; round++) {
      for (int i = 0; i < payloads.size(); i++) {
        int k = round % 2 == 0 ? i : payloads.size() - 1 - i;
        assertEquals(fresh.get(k), inspector.inspect(payloads.get(k)), "payload " + k + " in round " + round);
      }
    }
  }
}
