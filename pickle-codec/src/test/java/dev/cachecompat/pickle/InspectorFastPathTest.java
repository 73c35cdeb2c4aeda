package dev.cachecompat.pickle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cachecompat.core.Limits;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * {@link InspectorPass}'s fast path is a shortcut through its general loop: with it on and off, every payload
 * gets the same report (verdict, protocols, globals, findings with their codes, offsets and messages). Checked
 * on every pickle under src/test/resources (golden vectors, malformed and malicious corpora, encoder vectors),
 * on every truncation and on byte substitutions of the golden vectors up to 400 bytes, and under tight limits.
 */
class InspectorFastPathTest {
  private static final PickleInspector DEFAULTS = PickleInspector.defaults();
  private static final PickleInspector TIGHT = PickleInspector.builder()
      .limits(Limits.builder().maxExpandedSize(40).maxDepth(3).maxObjects(60).maxMemoEntries(12)
          .maxStringBytes(16).build())
      .build();
  /** Opcodes substituted at each offset: the fast path's own, and their neighbours in the general loop. */
  private static final int[] SUBSTITUTES = {
    Opcodes.MARK, Opcodes.MEMOIZE, Opcodes.BINPUT, Opcodes.BINGET, Opcodes.SETITEMS, Opcodes.APPENDS,
    Opcodes.APPEND, Opcodes.SETITEM, Opcodes.TUPLE2, Opcodes.EMPTY_LIST, Opcodes.EMPTY_DICT, Opcodes.POP,
    Opcodes.DUP, Opcodes.SHORT_BINUNICODE, Opcodes.FRAME, Opcodes.STOP, 0x00, 0x80, 0xFF
  };

  private static PickleReport general(PickleInspector inspector, byte[] b) {
    return new InspectorPass(inspector, b, 0, b.length, false).run();
  }

  private static void assertSame(PickleInspector inspector, byte[] b, String what) {
    PickleReport slow = general(inspector, b);
    PickleReport fast = inspector.inspect(b);
    assertEquals(slow, fast, what);
  }

  static List<Path> pickles() {
    try {
      Path root = Path.of(InspectorFastPathTest.class.getResource("/golden").toURI()).getParent();
      try (Stream<Path> files = Files.walk(root)) {
        return files.filter(p -> p.toString().endsWith(".pickle")).sorted().toList();
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  private static byte[] read(Path p) {
    try {
      return Files.readAllBytes(p);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Test
  void everyResourcePickleGetsTheSameReportWithAndWithoutTheFastPath() {
    List<Path> all = pickles();
    assertTrue(all.size() > 4000, "pickles: " + all.size());
    for (Path p : all) {
      byte[] b = read(p);
      assertSame(DEFAULTS, b, p.toString());
      assertSame(TIGHT, b, p.toString() + " (tight limits)");
    }
  }

  /** The smallest limit in [1, hi] under which the payload passes, or hi + 1 when none does. */
  private static long threshold(byte[] b, long hi, boolean fast, java.util.function.LongFunction<Limits> limits) {
    long lo = 1;
    long top = hi + 1;
    while (lo < top) {
      long mid = (lo + top) >>> 1;
      PickleInspector in = PickleInspector.builder().limits(limits.apply(mid)).build();
      PickleReport r = new InspectorPass(in, b, 0, b.length, fast).run();
      if (r.verdict() == dev.cachecompat.core.Verdict.OVER_LIMIT) {
        lo = mid + 1;
      } else {
        top = mid;
      }
    }
    return lo;
  }

  @Test
  void expandedSizeAndDepthOfEveryResourcePickleAreCountedAlike() {
    // the counts show only where they cross a limit: find the exact limit each path needs
    int compared = 0;
    for (Path p : pickles()) {
      byte[] b = read(p);
      if (general(DEFAULTS, b).verdict() != dev.cachecompat.core.Verdict.VALID) {
        continue;
      }
      long size = threshold(b, 1L << 40, false, n -> Limits.builder().maxExpandedSize(n).build());
      assertEquals(size, threshold(b, 1L << 40, true, n -> Limits.builder().maxExpandedSize(n).build()),
          p + ": expanded size");
      long depth = threshold(b, 1000, false, n -> Limits.builder().maxDepth((int) n).build());
      assertEquals(depth, threshold(b, 1000, true, n -> Limits.builder().maxDepth((int) n).build()),
          p + ": depth");
      compared++;
    }
    assertTrue(compared > 3000, "compared: " + compared);
  }

  @Test
  void everyTruncationAndSubstitutionOfTheGoldenVectorsGetsTheSameReport() {
    List<Path> golden = new ArrayList<>();
    for (Path p : pickles()) {
      String s = p.toString();
      if (s.contains("/golden/3.13/") || s.contains("/golden/2.7/")) {
        golden.add(p);
      }
    }
    assertTrue(golden.size() > 700, "golden: " + golden.size());
    int checked = 0;
    for (Path p : golden) {
      byte[] b = read(p);
      if (b.length > 400) {
        continue; // the big-value vectors would make this quadratic pass slow; their opcodes are in the rest
      }
      for (int n = 0; n < b.length; n++) {
        assertSame(DEFAULTS, java.util.Arrays.copyOf(b, n), p + " truncated to " + n);
        checked++;
      }
      for (int i = 0; i < b.length; i++) {
        byte keep = b[i];
        for (int op : SUBSTITUTES) {
          b[i] = (byte) op;
          assertSame(DEFAULTS, b, p + " with byte " + i + " = " + op);
          assertSame(TIGHT, b, p + " with byte " + i + " = " + op + " (tight limits)");
          checked++;
        }
        b[i] = keep;
      }
    }
    assertTrue(checked > 100_000, "checked: " + checked);
  }

  @Test
  void sharedListsGrownAfterTheirReferencesArePushedAreCountedAlike() {
    // L = []; memo 0; MARK GET0 GET0 GET0 MARK (grow L through a fourth reference) APPENDS; then APPENDS of the
    // three earlier references into a new list, which sees L's size through the memo cell.
    byte[] b = {
      (byte) 0x80, 4, ']', (byte) 0x94, ']', (byte) 0x94, '(', 'h', 0, 'h', 0, 'h', 0, 'h', 0,
      '(', 'K', 1, 'K', 2, 'K', 3, 'e', 'e', '0', '.'
    };
    assertSame(DEFAULTS, b, "shared list");
    assertSame(TIGHT, b, "shared list (tight limits)");
  }
}
