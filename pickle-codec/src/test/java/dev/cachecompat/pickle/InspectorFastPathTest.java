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

  /**
   * Nested values made by a seeded generator: containers filled with MARK groups or one item at a time, memo
   * writes and reads (also of containers filled again after their PUT), DUPs of fresh lists, tuples, and calls
   * of globals found by STACK_GLOBAL, each under limits tight enough to stop the pass anywhere.
   */
  @Test
  void generatedNestedPicklesGetTheSameReportUnderEveryLimit() {
    List<PickleInspector> inspectors = new ArrayList<>();
    inspectors.add(DEFAULTS);
    for (long size : new long[] {3, 5, 8, 13, 30}) {
      for (int depth : new int[] {1, 2, 3, 5}) {
        inspectors.add(PickleInspector.builder().allowGlobal("a.b")
            .limits(Limits.builder().maxExpandedSize(size).maxDepth(depth).maxMemoEntries(6).build()).build());
      }
    }
    java.util.Random random = new java.util.Random(20261122);
    int overLimit = 0;
    for (int t = 0; t < 3000; t++) {
      Generator g = new Generator(random);
      if (t % 3 == 0) {
        g.w(0x80, 4);
      }
      g.value(0);
      g.w('.');
      byte[] whole = g.out.toByteArray();
      byte[] b = t % 5 == 4 ? java.util.Arrays.copyOf(whole, random.nextInt(whole.length)) : whole;
      for (PickleInspector in : inspectors) {
        PickleReport slow = general(in, b);
        assertEquals(slow, in.inspect(b), () -> "generated " + java.util.HexFormat.of().formatHex(b));
        if (slow.verdict() == dev.cachecompat.core.Verdict.OVER_LIMIT) {
          overLimit++;
        }
      }
    }
    assertTrue(overLimit > 10_000, "over-limit reports: " + overLimit);
  }

  /** Writes one random well-formed value (see {@link #generatedNestedPicklesGetTheSameReportUnderEveryLimit}). */
  private static final class Generator {
    final java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    final java.util.Random random;
    final List<Integer> lists = new ArrayList<>();
    int memoized;

    Generator(java.util.Random random) {
      this.random = random;
    }

    void w(int... bytes) {
      for (int x : bytes) {
        out.write(x);
      }
    }

    void text(String s) {
      w(Opcodes.SHORT_BINUNICODE, s.length());
      for (char c : s.toCharArray()) {
        w(c);
      }
    }

    void memo(boolean list) {
      if (random.nextInt(3) == 0 || memoized > 250) {
        return;
      }
      if (random.nextBoolean()) {
        w(Opcodes.MEMOIZE);
      } else {
        w(Opcodes.BINPUT, memoized);
      }
      if (list) {
        lists.add(memoized);
      }
      memoized++;
    }

    void value(int depth) {
      switch (random.nextInt(depth > 4 ? 5 : 14)) {
        case 0 -> w(Opcodes.BININT1, random.nextInt(256));
        case 1 -> w(Opcodes.NONE);
        case 2 -> {
          text(String.valueOf((char) ('a' + random.nextInt(3))));
          memo(false);
        }
        case 3 -> {
          if (memoized > 0) {
            w(Opcodes.BINGET, random.nextInt(memoized));
          } else {
            w(Opcodes.NEWTRUE);
          }
        }
        case 4 -> w(Opcodes.BINFLOAT, 0, 0, 0, 0, 0, 0, 0, 0);
        case 5, 6 -> {
          w(Opcodes.EMPTY_LIST);
          memo(true);
          int n = random.nextInt(5);
          if (n == 1 && random.nextBoolean()) {
            value(depth + 1);
            w(Opcodes.APPEND);
          } else if (n > 0) {
            w(Opcodes.MARK);
            for (int i = 0; i < n; i++) {
              value(depth + 1);
            }
            w(Opcodes.APPENDS);
          }
        }
        case 7, 8 -> {
          w(Opcodes.EMPTY_DICT);
          memo(false);
          int n = random.nextInt(4);
          if (n == 1 && random.nextBoolean()) {
            text("k");
            value(depth + 1);
            w(Opcodes.SETITEM);
          } else if (n > 0) {
            w(Opcodes.MARK);
            for (int i = 0; i < n; i++) {
              if (random.nextInt(3) == 0 && memoized > 0) {
                w(Opcodes.BINGET, random.nextInt(memoized)); // any memoized value as a key, lists too
              } else {
                text(String.valueOf((char) ('a' + i)));
              }
              value(depth + 1);
            }
            w(Opcodes.SETITEMS);
          }
        }
        case 9 -> {
          int n = random.nextInt(4);
          if (n == 0) {
            w(Opcodes.EMPTY_TUPLE);
          } else {
            for (int i = 0; i < n; i++) {
              value(depth + 1);
            }
            w(Opcodes.TUPLE1 + n - 1);
          }
          memo(false);
        }
        case 10 -> {
          // a memoized list filled again after its PUT, then popped: every reference to it grows
          if (!lists.isEmpty()) {
            w(Opcodes.BINGET, lists.get(random.nextInt(lists.size())), Opcodes.MARK);
            int n = 1 + random.nextInt(3);
            for (int i = 0; i < n; i++) {
              value(depth + 1);
            }
            w(Opcodes.APPENDS, Opcodes.POP);
          }
          value(depth + 1);
        }
        case 11 -> {
          // a fresh list and its DUP, one of them filled
          w(Opcodes.EMPTY_LIST, Opcodes.DUP);
          value(depth + 1);
          w(Opcodes.APPEND, random.nextBoolean() ? Opcodes.POP : Opcodes.TUPLE2);
        }
        default -> {
          switch (random.nextInt(4)) {
            case 0 -> {
              text("a");
              memo(false);
              text("b");
              w(Opcodes.STACK_GLOBAL);
            }
            case 1 -> {
              text("datetime");
              text("datetime");
              w(Opcodes.STACK_GLOBAL);
            }
            case 2 -> {
              text("os");
              text("system");
              w(Opcodes.STACK_GLOBAL);
            }
            default -> w(Opcodes.GLOBAL, 'a', '\n', 'b', '\n');
          }
          memo(false);
          int n = random.nextInt(3);
          for (int i = 0; i < n; i++) {
            value(depth + 1);
          }
          w(n == 0 ? Opcodes.EMPTY_TUPLE : Opcodes.TUPLE1 + n - 1, Opcodes.REDUCE);
          memo(false);
        }
      }
    }
  }
}
