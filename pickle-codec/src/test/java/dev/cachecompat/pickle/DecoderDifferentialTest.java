package dev.cachecompat.pickle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.cachecompat.core.Finding;
import dev.cachecompat.core.Verdict;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Issue #8: the decoder's own loop ({@link DecoderPass}) against the Pyrolite-based decoder it replaced
 * ({@link Unpickling}, kept in the tests as the oracle). Same input, same outcome: deeply equal values of the
 * same Java types, with the same sharing and cycles, or the same exception (code, offset and message).
 * Inputs: every golden vector under every str policy, the bench corpus, and seeded random mutants of the golden
 * vectors that the inspector still finds valid (the malformed and malicious corpora have no valid pickle;
 * DecoderDifferentialIT adds the benign pickles the real interpreters write).
 */
class DecoderDifferentialTest {
  private static final String CATCH_ALL = "decoding failed after a valid inspection: ";

  /** One decoder's outcome: a value or an exception. */
  private record Outcome(Object value, PickleException error) {}

  private static Outcome ours(PickleDecoder decoder, byte[] pickle) {
    try {
      return new Outcome(decoder.unpickle(pickle), null);
    } catch (PickleException e) {
      return new Outcome(null, e);
    }
  }

  /** The oracle, wrapped exactly as PickleDecoder wrapped it before issue #8. */
  private static Outcome oracle(PickleDecoder decoder, byte[] pickle) {
    Unpickling run = new Unpickling(pickle, decoder.py2Str(), decoder.limits(), decoder.globals());
    try {
      return new Outcome(run.run(), null);
    } catch (PickleException e) {
      return new Outcome(null, e);
    } catch (Exception | StackOverflowError e) {
      return new Outcome(null, new PickleException(Verdict.MALFORMED, "decode-failed", Finding.NO_OFFSET,
          CATCH_ALL + e, e));
    }
  }

  /** Asserts both decoders agree on a payload the inspector found valid; returns whether it decoded. */
  static boolean assertSameOutcome(PickleDecoder decoder, byte[] pickle, String what) {
    Outcome expected = oracle(decoder, pickle);
    Outcome actual = ours(decoder, pickle);
    if (expected.error() != null || actual.error() != null) {
      if (expected.error() == null || actual.error() == null) {
        fail(what + ": oracle " + describe(expected) + " but decoder " + describe(actual));
      }
      PickleException e = expected.error();
      PickleException a = actual.error();
      assertEquals(e.code(), a.code(), what + ": code; oracle said " + e.getMessage() + ", decoder " + a.getMessage());
      if (!e.getMessage().startsWith(CATCH_ALL)) { // Pyrolite's own exceptions cannot be matched word for word
        assertEquals(e.getMessage(), a.getMessage(), what);
        assertEquals(e.offset(), a.offset(), what);
      }
      return false;
    }
    assertDeepSame(expected.value(), actual.value(), what);
    return true;
  }

  private static String describe(Outcome o) {
    return o.error() == null ? "decoded " + o.value() : "failed: " + o.error().getMessage();
  }

  /**
   * Deep equality with types and sharing: the two graphs must be isomorphic, an object reachable twice (or in a
   * cycle) in one must be the same object at the same places in the other. Iterative, so deep input is fine.
   */
  static void assertDeepSame(Object expected, Object actual, String what) {
    IdentityHashMap<Object, Object> forward = new IdentityHashMap<>();
    IdentityHashMap<Object, Object> backward = new IdentityHashMap<>();
    Deque<Object[]> work = new ArrayDeque<>();
    work.push(new Object[] {expected, actual, "value"});
    while (!work.isEmpty()) {
      Object[] pair = work.pop();
      Object e = pair[0];
      Object a = pair[1];
      String path = (String) pair[2];
      if (e == null || a == null) {
        if (e != a) {
          fail(what + " at " + path + ": expected " + e + " but got " + a);
        }
        continue;
      }
      if (e.getClass() != a.getClass()) {
        fail(what + " at " + path + ": expected a " + e.getClass().getName() + " but got a " + a.getClass().getName());
      }
      if (!shareable(e)) {
        if (!e.equals(a)) {
          fail(what + " at " + path + ": expected " + e + " but got " + a);
        }
        continue;
      }
      Object seen = forward.get(e);
      Object seenBack = backward.get(a);
      if (seen != null || seenBack != null) {
        if (seen != a || seenBack != e) {
          fail(what + " at " + path + ": sharing differs (an object reached twice in one graph is not in the other)");
        }
        continue;
      }
      forward.put(e, a);
      backward.put(a, e);
      if (e instanceof byte[] eb) {
        if (!Arrays.equals(eb, (byte[]) a)) {
          fail(what + " at " + path + ": bytes differ");
        }
      } else if (e instanceof PyByteArray eb) {
        if (!Arrays.equals(eb.toByteArray(), ((PyByteArray) a).toByteArray())) {
          fail(what + " at " + path + ": bytearray differs");
        }
      } else if (e instanceof List<?> el) {
        pushAll(work, el, (List<?>) a, path, what);
      } else if (e instanceof PyTuple et) {
        pushAll(work, et.items(), ((PyTuple) a).items(), path, what);
      } else if (e instanceof Set<?> es) {
        pushAll(work, new ArrayList<>(es), new ArrayList<>((Set<?>) a), path, what);
      } else if (e instanceof PyFrozenSet ef) {
        pushAll(work, new ArrayList<>(ef.items()), new ArrayList<>(((PyFrozenSet) a).items()), path, what);
      } else if (e instanceof Map<?, ?> em) {
        Map<?, ?> am = (Map<?, ?>) a;
        if (em.size() != am.size()) {
          fail(what + " at " + path + ": dict sizes " + em.size() + " and " + am.size());
        }
        Iterator<? extends Map.Entry<?, ?>> ai = am.entrySet().iterator();
        int i = 0;
        for (Map.Entry<?, ?> ee : em.entrySet()) {
          Map.Entry<?, ?> ae = ai.next();
          work.push(new Object[] {ee.getKey(), ae.getKey(), path + ".key" + i});
          work.push(new Object[] {ee.getValue(), ae.getValue(), path + "[" + i + "]"});
          i++;
        }
      } else if (e instanceof PyObject eo) {
        PyObject ao = (PyObject) a;
        assertEquals(eo.qualifiedName(), ao.qualifiedName(), what + " at " + path);
        pushAll(work, eo.args(), ao.args(), path + ".args", what);
        work.push(new Object[] {eo.state(), ao.state(), path + ".state"});
      }
    }
  }

  private static boolean shareable(Object v) {
    return v instanceof byte[] || v instanceof List<?> || v instanceof Map<?, ?> || v instanceof Set<?>
        || v instanceof PyTuple || v instanceof PyFrozenSet || v instanceof PyByteArray || v instanceof PyObject;
  }

  private static void pushAll(Deque<Object[]> work, List<?> e, List<?> a, String path, String what) {
    if (e.size() != a.size()) {
      fail(what + " at " + path + ": sizes " + e.size() + " and " + a.size());
    }
    for (int i = 0; i < e.size(); i++) {
      work.push(new Object[] {e.get(i), a.get(i), path + "[" + i + "]"});
    }
  }

  private static PickleDecoder decoder(Py2Str policy) {
    return PickleDecoder.builder().py2Str(policy).build();
  }

  @TestFactory
  Stream<DynamicTest> goldenVectorsDecodeTheSameUnderEveryPolicy() {
    return GoldenVectorsTest.INTERPRETERS.stream().map(python -> DynamicTest.dynamicTest(python, () -> {
      List<GoldenVectorsTest.Vector> vectors = GoldenVectorsTest.vectors(python);
      int decoded = 0;
      for (Py2Str policy : Py2Str.values()) {
        PickleDecoder decoder = decoder(policy);
        for (GoldenVectorsTest.Vector v : vectors) {
          byte[] pickle = v.bytes();
          if (decoder.inspector().inspect(pickle).verdict() == Verdict.VALID) {
            decoded += assertSameOutcome(decoder, pickle, v + " under " + policy) ? 1 : 0;
          }
        }
      }
      assertTrue(decoded > vectors.size() * 3, python + ": only " + decoded + " decodes compared");
    }));
  }

  @Test
  void benchCorpusDecodesTheSame() throws IOException {
    Path corpus = Path.of("..", "bench", "src", "main", "resources", "corpus");
    List<Path> files = pickles(corpus);
    assertEquals(72, files.size(), "12 profiles and 12 feed pages at protocols 2, 4, 5 in " + corpus.toAbsolutePath());
    for (Path file : files) {
      byte[] pickle = Files.readAllBytes(file);
      assertTrue(assertSameOutcome(PickleDecoder.defaults(), pickle, file.getFileName().toString()), file + " decodes");
    }
  }

  /** Seeded random byte mutations of the golden vectors; those still valid must decode the same (or fail the same). */
  @Test
  void randomMutantsOfGoldenVectorsDecodeTheSame() {
    Random random = new Random(8);
    int valid = 0;
    int failed = 0;
    for (String python : List.of("2.7", "3.13")) {
      for (GoldenVectorsTest.Vector v : GoldenVectorsTest.vectors(python)) {
        byte[] original = v.bytes();
        for (int round = 0; round < 12; round++) {
          byte[] mutant = original.clone();
          int flips = 1 + random.nextInt(3);
          for (int f = 0; f < flips; f++) {
            mutant[random.nextInt(mutant.length)] = (byte) random.nextInt(256);
          }
          Py2Str policy = Py2Str.values()[random.nextInt(Py2Str.values().length)];
          PickleDecoder decoder = decoder(policy);
          if (decoder.inspector().inspect(mutant).verdict() == Verdict.VALID) {
            valid++;
            failed += assertSameOutcome(decoder, mutant, v + " mutant " + round + " under " + policy) ? 0 : 1;
          }
        }
      }
    }
    assertTrue(valid > 1000, "only " + valid + " valid mutants");
    assertTrue(failed > 0, "no mutant exercised an error path");
  }

  /** LONG1 and LONG4 of every width up to 10 bytes, random two's complement payloads, both signs. */
  @Test
  void longOpcodesOfEveryWidthDecodeTheSame() {
    Random random = new Random(81);
    int compared = 0;
    for (int width = 0; width <= 10; width++) {
      for (int round = 0; round < 40; round++) {
        byte[] payload = new byte[width];
        random.nextBytes(payload);
        for (boolean long4 : new boolean[] {false, true}) {
          java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
          out.write(0x80);
          out.write(2);
          if (long4) {
            out.write(0x8b);
            out.writeBytes(new byte[] {(byte) width, 0, 0, 0});
          } else {
            out.write(0x8a);
            out.write(width);
          }
          out.writeBytes(payload);
          out.write('.');
          byte[] pickle = out.toByteArray();
          if (PickleDecoder.defaults().inspector().inspect(pickle).verdict() == Verdict.VALID) {
            assertTrue(assertSameOutcome(PickleDecoder.defaults(), pickle, "LONG width " + width), "decodes");
            compared++;
          }
        }
      }
    }
    assertTrue(compared > 400, "only " + compared + " compared");
  }

  /**
   * BINUNICODE, SHORT_BINUNICODE and BINUNICODE8 of random text: ASCII, any code point (surrogates included,
   * as CPython writes them), U+FFFD itself, and random bytes that are mostly not UTF-8.
   */
  @Test
  void textOpcodesDecodeTheSame() {
    Random random = new Random(82);
    int decoded = 0;
    int failed = 0;
    for (int round = 0; round < 3000; round++) {
      byte[] text;
      switch (round % 4) {
        case 0 -> text = randomText(random, 0x7F).getBytes(java.nio.charset.StandardCharsets.UTF_8);
        case 1 -> text = surrogatePassUtf8(randomText(random, 0x10FFFF));
        case 2 -> text = surrogatePassUtf8(randomText(random, 0xFFFF) + "\uFFFD");
        default -> {
          text = new byte[random.nextInt(12)];
          random.nextBytes(text);
        }
      }
      java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
      out.writeBytes(new byte[] {(byte) 0x80, 4});
      switch (random.nextInt(3)) {
        case 0 -> out.writeBytes(new byte[] {(byte) 0x8c, (byte) text.length});
        case 1 -> out.writeBytes(new byte[] {'X', (byte) text.length, 0, 0, 0});
        default -> out.writeBytes(new byte[] {(byte) 0x8d, (byte) text.length, 0, 0, 0, 0, 0, 0, 0});
      }
      out.writeBytes(text);
      out.write('.');
      byte[] pickle = out.toByteArray();
      if (PickleDecoder.defaults().inspector().inspect(pickle).verdict() == Verdict.VALID) {
        if (assertSameOutcome(PickleDecoder.defaults(), pickle, "text " + Arrays.toString(text))) {
          decoded++;
        } else {
          failed++;
        }
      }
    }
    assertTrue(decoded > 1500, "only " + decoded + " decoded");
    assertTrue(failed + decoded > 2000, "only " + (failed + decoded) + " compared");
  }

  private static String randomText(Random random, int maxCodePoint) {
    StringBuilder b = new StringBuilder();
    int n = random.nextInt(8);
    for (int i = 0; i < n; i++) {
      b.appendCodePoint(random.nextInt(maxCodePoint + 1));
    }
    return b.toString();
  }

  /** UTF-8 as CPython's pickle writes str: surrogates (paired or not) encoded one by one. */
  private static byte[] surrogatePassUtf8(String s) {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      int cp = c;
      if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))
          && (i & 1) == 0) {
        cp = Character.toCodePoint(c, s.charAt(++i));
      }
      if (cp >= 0xD800 && cp <= 0xDFFF) { // the JDK would write '?' for a lone surrogate
        out.writeBytes(new byte[] {(byte) (0xE0 | cp >> 12), (byte) (0x80 | (cp >> 6 & 0x3F)),
            (byte) (0x80 | (cp & 0x3F))});
      } else {
        out.writeBytes(new String(Character.toChars(cp)).getBytes(java.nio.charset.StandardCharsets.UTF_8));
      }
    }
    return out.toByteArray();
  }

  /** MEMOIZE takes len(memo) as its index: a PUT to an index already set does not count twice. */
  @Test
  void memoizeAfterARepeatedPutDecodesTheSame() {
    byte[] pickle = {(byte) 0x80, 4, 'K', 7, 'q', 0, 'q', 0, (byte) 0x94, '0', 'h', 1, 'N', 'q', 0, '0', 'h', 1, (byte) 0x86, '.'};
    assertEquals(Verdict.VALID, PickleDecoder.defaults().inspector().inspect(pickle).verdict(),
        PickleDecoder.defaults().inspector().inspect(pickle).findings().toString());
    assertTrue(assertSameOutcome(PickleDecoder.defaults(), pickle, "repeated PUT"));
    assertEquals(PyTuple.of(7L, 7L), PickleDecoder.defaults().decode(pickle));
  }

  /** None in the memo, and indexes far beyond the memo's size (LONG_BINPUT 999999 and 70000). */
  @Test
  void memoOfNoneAndFarIndexesDecodesTheSame() {
    byte[] pickle = {(byte) 0x80, 4, 'N', 'q', 3, '0', 'K', 5, 'r', 0x3f, 0x42, 0x0f, 0, 'r', 0x70, 0x11, 1, 0, '0',
        'h', 3, 'j', 0x3f, 0x42, 0x0f, 0, 'j', 0x70, 0x11, 1, 0, (byte) 0x87, '.'};
    assertEquals(Verdict.VALID, PickleDecoder.defaults().inspector().inspect(pickle).verdict(),
        PickleDecoder.defaults().inspector().inspect(pickle).findings().toString());
    assertTrue(assertSameOutcome(PickleDecoder.defaults(), pickle, "far memo"));
    assertEquals(PyTuple.of(null, 5L, 5L), PickleDecoder.defaults().decode(pickle));
  }

  @Test
  void comparisonSeesSharingTypesAndBytes() {
    List<Object> shared = new ArrayList<>(List.of(1L));
    List<Object> twice = new ArrayList<>(List.of(shared, shared));
    List<Object> copies = new ArrayList<>(List.of(new ArrayList<>(List.of(1L)), new ArrayList<>(List.of(1L))));
    assertEquals(twice, copies);
    assertThrows(twice, copies);
    assertThrows(new ArrayList<>(List.of(new byte[] {1})), new ArrayList<>(List.of(new byte[] {2})));
    assertThrows(PyTuple.of(1L), new ArrayList<>(List.of(1L)));
    Map<Object, Object> cyclic = new LinkedHashMap<>();
    cyclic.put("self", cyclic);
    Map<Object, Object> cyclic2 = new LinkedHashMap<>();
    cyclic2.put("self", cyclic2);
    assertDeepSame(cyclic, cyclic2, "cycle");
    assertNotEquals(null, cyclic);
    assertFalse(shareable("text"));
  }

  private static void assertThrows(Object expected, Object actual) {
    org.junit.jupiter.api.Assertions.assertThrows(AssertionError.class,
        () -> assertDeepSame(expected, actual, "probe"));
  }

  private static List<Path> pickles(Path dir) throws IOException {
    try (Stream<Path> s = Files.walk(dir)) {
      return s.filter(p -> p.toString().endsWith(".pickle")).sorted().toList();
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
  }
}
