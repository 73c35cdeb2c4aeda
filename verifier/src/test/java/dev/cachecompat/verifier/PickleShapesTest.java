package dev.cachecompat.verifier;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.cachecompat.core.Limits;
import dev.cachecompat.core.Verdict;
import dev.cachecompat.pickle.PickleDecoder;
import dev.cachecompat.pickle.PickleEncoder;
import dev.cachecompat.pickle.PickleReport;
import dev.cachecompat.pickle.PyTuple;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * A pickle that matches a learned shape gets exactly the report the inspector gives it and exactly the view the
 * full path writes; pickles of one kind of value match after the first; a pickle that differs in anything but its
 * values' bytes (or whose values the inspector or the view would refuse) does not match.
 */
class PickleShapesTest {
  private static final byte[] OPCODES = {'(', ')', ']', '}', 'a', 'e', 's', 'u', 't', (byte) 0x85, (byte) 0x86,
      (byte) 0x87, 'N', (byte) 0x88, (byte) 0x89, 'K', 'M', 'J', 'G', (byte) 0x8a, 'X', (byte) 0x8c, 'C', 'B',
      (byte) 0x94, (byte) 0x95, 'q', 'h', 'r', 'j', 'R', (byte) 0x93, 'c', '.', '0', '2'};

  private final PickleDecoder decoder = PickleDecoder.defaults();

  /** What the scan does with one pickle: the shapes first, else the inspector and the pass (learning). */
  private static final class Scan {
    final PickleDecoder decoder;
    final PickleViewWriter writer = new PickleViewWriter();
    final PickleShapes shapes = writer.shapes();
    int hits;

    Scan(PickleDecoder decoder) {
      this.decoder = decoder;
    }

    /** Returns whether the pickle matched a shape, having checked a match against the full path. */
    boolean see(byte[] pickle, String context) {
      PickleReport report = shapes.match(decoder, pickle);
      if (report != null) {
        assertAgrees(decoder, report, shapes.view(), pickle, context);
        hits++;
        return true;
      }
      PickleReport full = decoder.inspector().inspect(pickle);
      if (full.isValid() && shapes.wantsToLearn()) {
        byte[] learned = shapes.learnAndRender(decoder, pickle, full);
        byte[] plain = new PickleViewWriter().pass().render(decoder, pickle);
        assertArrayEquals(plain, learned, context + ": the view of a learning render");
      }
      return false;
    }
  }

  /** The full path's report and view (the pass's, else the classic path's) are the match's. */
  static void assertAgrees(PickleDecoder decoder, PickleReport report, byte[] view, byte[] pickle, String context) {
    String where = context + " " + HexFormat.of().formatHex(pickle);
    PickleReport full = decoder.inspector().inspect(pickle);
    assertEquals(full, report, where);
    if (!full.isValid()) {
      fail("matched a pickle the inspector finds " + full.verdict() + ": " + where);
    }
    PickleViewWriter writer = new PickleViewWriter();
    byte[] expected = writer.pass().render(decoder, pickle);
    String expect = expected != null ? "ok " + new String(expected, StandardCharsets.ISO_8859_1)
        : PickleViewPassTest.classic(decoder, writer, pickle);
    assertEquals(expect, "ok " + new String(view, StandardCharsets.ISO_8859_1), where);
  }

  private static Map<String, Object> profile(Random r, int i) {
    Map<String, Object> v = new LinkedHashMap<>();
    v.put("id", (long) (r.nextBoolean() ? i : r.nextInt(Integer.MAX_VALUE)));
    v.put("name", "user " + i + (r.nextInt(10) == 0 ? " \u00e9\u4e2d\ud83d\ude00" : ""));
    v.put("email", "u" + i + "@example.com");
    v.put("score", i * 0.5);
    v.put("tags", new ArrayList<>(List.of("a", "b", "c")));
    v.put("active", i % 2 == 0);
    v.put("joined", LocalDateTime.of(2020, 1, 1, 0, 0, i % 60).plusNanos(r.nextInt(3) * 1_000L));
    v.put("settings", new LinkedHashMap<>(Map.of("theme", "dark", "lang", "en")));
    v.put("avatar", randomBytes(r, r.nextInt(40)));
    return v;
  }

  private static byte[] randomBytes(Random r, int n) {
    byte[] b = new byte[n];
    r.nextBytes(b);
    return b;
  }

  @Test
  void profilesOfOneKindMatchAfterTheFirstOfEachProtocolAndAgreeWithTheFullPath() {
    Scan scan = new Scan(decoder);
    Random r = new Random(7);
    int n = 0;
    for (int i = 0; i < 1_200; i++) {
      int protocol = 2 + i % 4;
      byte[] p = PickleEncoder.builder().protocol(protocol).build().encode(profile(r, i));
      scan.see(p, "profile " + i + " protocol " + protocol);
      n++;
    }
    // a shape per protocol, and per LONG1-or-BININT id: a handful of misses in all
    assertTrue(scan.hits > n - 40, "hits " + scan.hits + " of " + n);
    assertTrue(scan.shapes.size() <= PickleShapes.CAPACITY);
  }

  @Test
  void cpythonsPicklesOfTheScanProfilesAndTheBenchCorpusMatchTheirOwnShapesAndAgreeWithTheFullPath()
      throws IOException {
    List<byte[]> seeds = seeds();
    int hits = 0;
    for (int k = 0; k < seeds.size(); k++) {
      Scan scan = new Scan(decoder);
      scan.see(seeds.get(k), "seed " + k); // learns
      scan.see(seeds.get(k), "seed " + k); // matches
      hits += scan.hits;
    }
    // all but those the pass leaves to the classic path (Python 2 str and the like)
    assertTrue(hits > seeds.size() * 3 / 4, "seeds that matched their own shape: " + hits + " of " + seeds.size());
  }

  /**
   * Mutants of pickles whose shape is learned: one that matches agrees with the full path on its report and its
   * view, whatever the inspector says of it; so a mutant the inspector finds malformed, unsafe or over a limit
   * never matches. Shapes are not learned from the mutants here, so that every match is against a real pickle's
   * shape.
   */
  @Test
  void mutantsMatchOnlyWhenTheFullPathAgrees() throws IOException {
    List<byte[]> seeds = seeds();
    Random r = new Random(20261122L);
    for (int i = 0; i < 40; i++) {
      seeds.add(PickleEncoder.builder().protocol(2 + i % 4).build().encode(profile(r, i)));
    }
    int matched = 0;
    int changed = 0;
    for (int s = 0; s < seeds.size(); s++) {
      byte[] seed = seeds.get(s);
      PickleViewWriter writer = new PickleViewWriter();
      PickleShapes shapes = writer.shapes();
      PickleReport report = decoder.inspector().inspect(seed);
      if (!report.isValid() || shapes.learnAndRender(decoder, seed, report) == null || shapes.size() == 0) {
        continue;
      }
      assertNotNull(shapes.match(decoder, seed), "a pickle matches its own shape: seed " + s);
      for (int i = 0; i < 1_500; i++) {
        byte[] m = PickleViewPassTest.mutate(seed, r, OPCODES);
        PickleReport got = shapes.match(decoder, m);
        if (got != null) {
          assertAgrees(decoder, got, shapes.view(), m, "seed " + s + " mutant " + i);
          matched++;
          if (!java.util.Arrays.equals(m, seed)) {
            changed++;
          }
        }
      }
    }
    assertTrue(changed > 10_000, "mutants that matched a shape with other bytes: " + changed + " of " + matched);
  }

  @Test
  void valuesOfOneShapeWithRandomLeavesAgreeWithTheFullPath() {
    Random r = new Random(42);
    int hits = 0;
    for (int shape = 0; shape < 60; shape++) {
      Object template = randomValue(r, 3);
      int protocol = 2 + r.nextInt(4);
      boolean memoize = r.nextBoolean();
      Scan scan = new Scan(decoder);
      for (int i = 0; i < 60; i++) {
        Object v = i == 0 ? template : vary(template, r);
        byte[] p = PickleEncoder.builder().protocol(protocol).memoize(memoize).build().encode(v);
        scan.see(p, "shape " + shape + " value " + i + " protocol " + protocol);
      }
      hits += scan.hits;
    }
    assertTrue(hits > 60 * 20, "hits: " + hits);
  }

  @Test
  void aStrOrBytesOverTheDecodersLimitDoesNotMatchAShapeLearnedUnderIt() {
    // 16: the pass's own probes of the decoder's datetime and _codecs.encode must pass the limit
    PickleDecoder tight = PickleDecoder.builder().limits(Limits.builder().maxStringBytes(16).build()).build();
    for (int protocol = 2; protocol <= 5; protocol++) {
      Scan scan = new Scan(tight);
      PickleEncoder enc = PickleEncoder.builder().protocol(protocol).build();
      scan.see(enc.encode(Map.of("k", "short", "b", new byte[] {1, 2})), "learn");
      assertTrue(scan.see(enc.encode(Map.of("k", "tiny", "b", new byte[] {3})), "match"), "protocol " + protocol);
      byte[] longText = enc.encode(Map.of("k", "a text over sixteen bytes", "b", new byte[] {3}));
      assertNull(scan.shapes.match(tight, longText));
      assertEquals(Verdict.OVER_LIMIT, tight.inspector().inspect(longText).verdict());
      byte[] longBytes = enc.encode(Map.of("k", "tiny", "b", new byte[17]));
      assertNull(scan.shapes.match(tight, longBytes));
      assertEquals(Verdict.OVER_LIMIT, tight.inspector().inspect(longBytes).verdict());
    }
  }

  @Test
  void shapesLearnedWithOneDecoderAreNotUsedForAnother() {
    Scan scan = new Scan(decoder);
    PickleEncoder enc = PickleEncoder.builder().protocol(4).build();
    scan.see(enc.encode(Map.of("k", 1L)), "learn");
    assertNotNull(scan.shapes.match(decoder, enc.encode(Map.of("k", 2L))));
    PickleDecoder other = PickleDecoder.builder().allowGlobal("collections.OrderedDict").build();
    assertNull(scan.shapes.match(other, enc.encode(Map.of("k", 2L))));
  }

  @Test
  void aScanOfPicklesThatShareNoShapeLearnsLessAndLess() {
    Scan scan = new Scan(decoder);
    PickleEncoder enc = PickleEncoder.builder().protocol(4).build();
    int learned = 0;
    for (int i = 0; i < 2_000; i++) {
      int before = scan.shapes.learned();
      scan.see(enc.encode(Map.of("key" + i, (long) i)), "distinct " + i);
      learned += scan.shapes.learned() - before;
    }
    assertTrue(learned < 100, "learned " + learned + " shapes of 2,000 distinct pickles");
    // and a kind of value that comes to repeat is learned again, soon
    int hitsBefore = scan.hits;
    for (int i = 0; i < 6_000; i++) {
      scan.see(enc.encode(Map.of("same", (long) i)), "repeated " + i);
    }
    assertTrue(scan.hits - hitsBefore > 1_000, "hits on a repeated shape: " + (scan.hits - hitsBefore));
  }

  @Test
  void manyKindsOfValuesInterleavedMatchOnceEachIsLearned() {
    Scan scan = new Scan(decoder);
    Random r = new Random(3);
    int kinds = 40; // more than the recent shapes tried first, fewer than the capacity
    for (int i = 0; i < 4_000; i++) {
      int kind = r.nextInt(kinds);
      Map<String, Object> v = new LinkedHashMap<>();
      v.put("kind" + kind, (long) r.nextInt(100_000));
      v.put("name", "value " + i);
      scan.see(PickleEncoder.builder().protocol(2 + kind % 4).build().encode(v), "kind " + kind + " value " + i);
    }
    assertTrue(scan.hits > 3_800, "hits: " + scan.hits);
    assertTrue(scan.shapes.size() <= PickleShapes.CAPACITY);
  }

  @Test
  void moreKindsThanTheCapacityDropTheLeastRecentlyUsedAndStillAgree() {
    Scan scan = new Scan(decoder);
    Random r = new Random(4);
    for (int i = 0; i < 6_000; i++) {
      int kind = i < 3_000 ? r.nextInt(2 * PickleShapes.CAPACITY) : r.nextInt(8); // then a few kinds only
      scan.see(PickleEncoder.builder().protocol(4).build().encode(Map.of("kind" + kind, "value " + i)),
          "kind " + kind + " value " + i);
    }
    assertEquals(PickleShapes.CAPACITY, scan.shapes.size());
    assertTrue(scan.hits > 3_500, "hits: " + scan.hits);
  }

  @Test
  void framesThatEndElsewhereThanTheLearnedOnesDoNotMatch() {
    Scan scan = new Scan(decoder);
    PickleEncoder enc = PickleEncoder.builder().protocol(4).build();
    byte[] learned = enc.encode(Map.of("k", "value"));
    scan.see(learned, "learn");
    assertEquals(0x95, learned[2] & 0xFF, "a protocol 4 pickle starts with a FRAME");
    byte[] m = learned.clone();
    m[3]--; // the frame now ends one byte before STOP
    assertNull(scan.shapes.match(decoder, m));
    assertNotNull(scan.shapes.match(decoder, learned));
  }

  static List<byte[]> seeds() throws IOException {
    List<byte[]> seeds = new ArrayList<>();
    for (Path p : PickleViewPassTest.pickles(PickleViewPassTest.SCAN_PROFILES)) {
      seeds.add(Files.readAllBytes(p));
    }
    for (Path p : PickleViewPassTest.pickles(PickleViewPassTest.BENCH_CORPUS)) {
      seeds.add(Files.readAllBytes(p));
    }
    return seeds;
  }

  private static final String[] TEXTS = {"", "a", "dark", "$x", "\u00e9", "\u00ff\u0000", "\u4e2d\u6587",
      "\ud83d\ude00", "\ud800", "\ufffd", "quote\"back\\slash\n", "x".repeat(300)};

  private static Object randomLeaf(Random r) {
    switch (r.nextInt(8)) {
      case 0:
        return TEXTS[r.nextInt(TEXTS.length)];
      case 1:
        return (long) r.nextInt(300);
      case 2:
        return r.nextLong() >> r.nextInt(64);
      case 3:
        return r.nextInt(4) == 0 ? Double.longBitsToDouble(r.nextLong()) : r.nextDouble() * 1000;
      case 4:
        return r.nextBoolean();
      case 5:
        return randomBytes(r, r.nextInt(12));
      case 6:
        return LocalDateTime.of(1 + r.nextInt(9999), 1 + r.nextInt(12), 1 + r.nextInt(28), r.nextInt(24),
            r.nextInt(60), r.nextInt(60), r.nextInt(3) * 1000 * r.nextInt(999));
      default:
        return null;
    }
  }

  private static Object randomValue(Random r, int depth) {
    if (depth == 0 || r.nextInt(3) == 0) {
      return randomLeaf(r);
    }
    int n = r.nextInt(5);
    switch (r.nextInt(3)) {
      case 0: {
        List<Object> l = new ArrayList<>();
        for (int i = 0; i < n; i++) {
          l.add(randomValue(r, depth - 1));
        }
        return l;
      }
      case 1: {
        List<Object> l = new ArrayList<>();
        for (int i = 0; i < n; i++) {
          l.add(randomValue(r, depth - 1));
        }
        return PyTuple.copyOf(l);
      }
      default: {
        Map<Object, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < n; i++) {
          m.put("k" + r.nextInt(20) + (r.nextBoolean() ? "" : "\u00e9"), randomValue(r, depth - 1));
        }
        return m;
      }
    }
  }

  /** The same containers and keys, with leaves of the same type and other values. */
  private static Object vary(Object v, Random r) {
    if (v instanceof List<?> l) {
      List<Object> o = new ArrayList<>();
      for (Object x : l) {
        o.add(vary(x, r));
      }
      return o;
    }
    if (v instanceof PyTuple t) {
      List<Object> o = new ArrayList<>();
      for (Object x : t.items()) {
        o.add(vary(x, r));
      }
      return PyTuple.copyOf(o);
    }
    if (v instanceof Map<?, ?> m) {
      Map<Object, Object> o = new LinkedHashMap<>();
      m.forEach((k, x) -> o.put(k, vary(x, r)));
      return o;
    }
    for (int tries = 0; tries < 20; tries++) {
      Object leaf = randomLeaf(r);
      if (leaf != null && v != null && leaf.getClass() == v.getClass()) {
        return leaf;
      }
    }
    return v;
  }
}
