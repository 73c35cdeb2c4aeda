package dev.cachecompat.verifier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cachecompat.core.CacheCompatException;
import dev.cachecompat.core.Limits;
import dev.cachecompat.json.CanonicalJson;
import dev.cachecompat.pickle.PickleDecoder;
import dev.cachecompat.pickle.PickleJsonView;
import dev.cachecompat.pickle.PyByteArray;
import dev.cachecompat.pickle.PyComplex;
import dev.cachecompat.pickle.PyDecimal;
import dev.cachecompat.pickle.PyFrozenSet;
import dev.cachecompat.pickle.PyObject;
import dev.cachecompat.pickle.PyTuple;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.OffsetTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.LinkedList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The direct writer gives what the scan wrote before it: the Jackson view tree of {@link PickleJsonView}, rendered
 * by {@link CanonicalJson} in the scan's style, byte for byte, and the same errors (class, code, message).
 */
class PickleViewWriterTest {
  static final Path PICKLE_RESOURCES = Path.of("../pickle-codec/src/test/resources");

  /** What the old path gave: the bytes, or the error's class, code and message. */
  static String oracle(Object value, CanonicalJson style, long maxNodes) {
    try {
      return ok(style.writeBytes(PickleJsonView.toJson(value, maxNodes)));
    } catch (RuntimeException e) {
      return error(e);
    }
  }

  static String direct(PickleViewWriter writer, Object value) {
    try {
      return ok(writer.render(value));
    } catch (RuntimeException e) {
      return error(e);
    }
  }

  private static String ok(byte[] bytes) {
    return "ok " + new String(bytes, StandardCharsets.ISO_8859_1);
  }

  private static String error(RuntimeException e) {
    String code = e instanceof CacheCompatException c ? c.code() + " " : "";
    return "error " + e.getClass().getSimpleName() + " " + code + e.getMessage();
  }

  /** Asserts the same outcome with the scan's style and budget, and with the writer reused. */
  static void assertSame(PickleViewWriter reused, Object value, String context) {
    String expected = oracle(value, JsonLines.VALUES, Limits.defaults().maxExpandedSize());
    assertEquals(expected, direct(reused, value), context);
    assertEquals(expected, direct(new PickleViewWriter(), value), context + " (fresh writer)");
  }

  static void assertSame(CanonicalJson style, long maxNodes, Object value, String context) {
    assertEquals(oracle(value, style, maxNodes), direct(new PickleViewWriter(style, maxNodes), value), context);
  }

  @Test
  void everyDecodableVectorOfThePickleCodecWritesTheViewsBytes() throws IOException {
    PickleDecoder decoder = new PickleOptions().decoder();
    PickleViewWriter writer = new PickleViewWriter();
    List<Path> files;
    try (Stream<Path> walk = Files.walk(PICKLE_RESOURCES)) {
      files = walk.filter(p -> p.toString().endsWith(".pickle")).sorted().toList();
    }
    // tight limits too, so real vectors also take the error paths: budget, depth and output cap
    CanonicalJson tight = JsonLines.VALUES.toBuilder()
        .limits(Limits.builder().maxDepth(3).maxPayloadBytes(40).build()).build();
    PickleViewWriter tightWriter = new PickleViewWriter(tight, 12);
    int decoded = 0;
    int tightErrors = 0;
    java.util.Set<String> codes = new java.util.TreeSet<>();
    for (Path p : files) {
      Object value;
      try {
        value = decoder.decode(Files.readAllBytes(p));
      } catch (RuntimeException refused) {
        continue;
      }
      decoded++;
      assertEquals(oracle(value, JsonLines.VALUES, Limits.defaults().maxExpandedSize()), direct(writer, value),
          p.toString());
      String expected = oracle(value, tight, 12);
      if (expected.startsWith("error")) {
        tightErrors++;
        codes.add(expected.split(" ")[2]);
      }
      assertEquals(expected, direct(tightWriter, value), p + " with tight limits");
    }
    assertTrue(files.size() > 5000, "vectors: " + files.size());
    assertTrue(decoded > 3500, "decoded: " + decoded);
    assertTrue(tightErrors > 300, "errors with tight limits: " + tightErrors);
    assertEquals("[too-deep, too-large, view-too-large]", codes.toString());
  }

  @Test
  void everyPickleOfTheDemoDumpsWritesTheViewsBytes() throws IOException {
    PickleDecoder decoder = new PickleOptions().decoder();
    EntryClassifier classifier = new EntryClassifier(decoder,
        new NamespaceResolver(NamespaceResolver.scheme("django"), List.of(), List.of()));
    PickleViewWriter writer = new PickleViewWriter();
    int pickles = 0;
    for (String dump : List.of("cache.rdb", "memcached.dump")) {
      try (ScanSource s = SourceUri.parse(ScanCommandTest.DUMPS + dump).open(SourceOptions.defaults())) {
        List<RawEntry> entries = new ArrayList<>();
        s.forEach(entries::add);
        for (RawEntry e : entries) {
          EntryClassifier.Result r = classifier.classify(e, writer, true);
          if (!r.format().equals("pickle") || r.value() == null) {
            continue;
          }
          pickles++;
          Object value = EntryValues.decode(e, decoder);
          assertEquals(oracle(value, JsonLines.VALUES, Limits.defaults().maxExpandedSize()), ok(r.value()), r.key());
          EntryClassifier.Result table = classifier.classify(e, writer, false);
          assertEquals(null, table.value(), r.key());
          assertEquals(r.withoutValue().toString(), table.toString(), r.key());
        }
      }
    }
    assertTrue(pickles > 10, "pickles: " + pickles);
  }

  @Test
  void scalarsOfEveryKindAreWrittenAsTheView() {
    PickleViewWriter w = new PickleViewWriter();
    List<Object> values = Arrays.asList(null, true, false, 0L, -1L, Long.MIN_VALUE, Long.MAX_VALUE, 7, (short) -3,
        (byte) 5, new BigInteger("-123456789012345678901234567890"), BigInteger.valueOf(42), 0.0, -0.0, 1.5, 1e16,
        1e17, 1.0e-4, 9.999e-5, 5e-324, Double.MIN_NORMAL, Double.MAX_VALUE, Double.NaN,
        Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, 1.1f, Float.NaN, "", "plain", "quote\" back\\ \n\t\u0000",
        "\u007f\u0080\u00ff\u2028\uffff", "\ud83d\ude00", "lone \ud800 high", "lone \udc00 low", "\udc00\ud800",
        new byte[0], new byte[] {0, -1, 65}, PyByteArray.copyOf(new byte[] {1, 2, 3}),
        new PyComplex(1.5, -0.0), new PyComplex(Double.NaN, Double.NEGATIVE_INFINITY), new BigDecimal("1.10"),
        new BigDecimal("-1E+3"), new PyDecimal("NaN"), new PyDecimal("-0.000"),
        LocalDateTime.of(2024, 2, 29, 23, 59, 58, 123_456_000), LocalDateTime.of(1, 1, 1, 0, 0),
        OffsetDateTime.of(2020, 1, 2, 3, 4, 5, 6_000, ZoneOffset.ofHoursMinutesSeconds(-5, -30, -15)),
        OffsetTime.of(1, 2, 3, 0, ZoneOffset.UTC), ZoneOffset.ofHours(14), LocalDate.of(9999, 12, 31),
        LocalTime.of(0, 0), LocalTime.of(12, 30, 1, 999_999_999), Duration.ofSeconds(-1), Duration.ofDays(-999_999_999),
        Duration.ofSeconds(86_399, 999_999_000), UUID.fromString("12345678-1234-5678-9abc-def012345678"));
    for (Object v : values) {
      assertSame(w, v, String.valueOf(v));
    }
    assertSame(w, new ArrayList<>(values), "all in one list");
  }

  @Test
  void keysSortAsPythonSortsThemByCodePoint() {
    Map<String, Object> m = new LinkedHashMap<>();
    for (String k : List.of("\uffff", "\ud83d\ude00", "b", "a", "", "\ud800", "\udbff\udfff", "ab", "\u00e9", "A",
        "a\ud800", "a\uffff", "a\ud83d\ude00")) {
      m.put(k, k.length());
    }
    PickleViewWriter w = new PickleViewWriter();
    assertSame(w, m, "surrogate keys");
    Map<String, Object> big = new HashMap<>();
    Map<String, Object> bigPlain = new LinkedHashMap<>();
    for (int i = 0; i < 200; i++) {
      big.put("k" + (char) (0xd000 + i * 37 % 0x2fff) + i, i);
      bigPlain.put("key" + (199 - i), i);
    }
    assertSame(w, big, "200 keys around the surrogates");
    assertSame(w, bigPlain, "200 keys in reverse");
    Map<String, Object> sorted = new LinkedHashMap<>();
    sorted.put("a", 1);
    sorted.put("b", List.of(Map.of("z", 1, "y", 2)));
    assertSame(w, sorted, "already sorted");
  }

  @Test
  void dictsWithDollarOrNonStringKeysArePairs() {
    PickleViewWriter w = new PickleViewWriter();
    Map<Object, Object> m = new LinkedHashMap<>();
    m.put("$ref", 1);
    m.put("x", 2);
    assertSame(w, m, "$ key");
    Map<Object, Object> n = new LinkedHashMap<>();
    n.put(3L, "three");
    n.put(PyTuple.of(1L, "a"), List.of());
    n.put(null, null);
    n.put(1.5, Map.of("k", "v"));
    assertSame(w, n, "non-string keys");
  }

  @Test
  void containersOfEveryKindAreWrittenAsTheView() {
    PickleViewWriter w = new PickleViewWriter();
    Object obj = new PyObject("collections.OrderedDict", List.of(List.of(PyTuple.of("a", 1L))),
        Map.of("__dict__", Map.of()));
    List<Object> values = List.of(List.of(), PyTuple.of(), PyTuple.of(1L, PyTuple.of(2L)),
        new LinkedHashSet<>(List.of(3L, "x")), PyFrozenSet.copyOf(List.of(1L, 2L)), obj,
        new PyObject("m.C", List.of(), null), new LinkedList<>(List.of(1L, 2L)), Map.of());
    for (Object v : values) {
      assertSame(w, v, v.toString());
    }
  }

  @Test
  void cyclesAndSharedReferencesAreWrittenAsTheView() {
    PickleViewWriter w = new PickleViewWriter();
    List<Object> self = new ArrayList<>();
    self.add(self);
    self.add(1L);
    assertSame(w, self, "a list in itself");
    Map<Object, Object> d = new LinkedHashMap<>();
    List<Object> inner = new ArrayList<>(List.of(d));
    d.put("inner", inner);
    d.put("tuple", PyTuple.of(inner, d));
    d.put(5L, d); // pairs: the cycle counts the pair's level too
    assertSame(w, d, "cycles through a dict's pairs");
    List<Object> shared = List.of(1L, "s");
    assertSame(w, List.of(shared, shared, Map.of("a", shared)), "shared, not cyclic");
    // a cycle back past the writer's linear lookup, 60 levels up
    List<Object> top = new ArrayList<>();
    List<Object> cur = top;
    for (int i = 0; i < 60; i++) {
      List<Object> next = new ArrayList<>();
      cur.add(i % 2 == 0 ? next : PyTuple.of(next));
      cur = next;
    }
    cur.add(top);
    cur.add(cur);
    assertSame(w, top, "deep cycle");
  }

  @Test
  void theNodeBudgetFailsAsTheViewDoesBeforeAnyRenderingError() {
    List<Object> shared = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      shared.add((long) i);
    }
    List<Object> many = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      many.add(shared);
    }
    CanonicalJson style = JsonLines.VALUES;
    for (long budget : new long[] {1, 100, 10_100, 10_101, 10_102}) {
      assertSame(style, budget, many, "budget " + budget);
    }
    Object deep = nested(1_200);
    assertSame(new PickleViewWriter(), deep, "too deep");
    assertSame(style, 1_000, deep, "too deep and over budget: the budget is reported");
    assertSame(style, 1_300, deep, "too deep, within budget");
    assertTrue(direct(new PickleViewWriter(), deep).contains("too-deep"));
    assertTrue(direct(new PickleViewWriter(style, 1_000), deep).contains("view-too-large"));
    // a $tuple is two JSON levels: 600 tuples reach the limit of 1,000
    Object tuples = 1L;
    for (int i = 0; i < 600; i++) {
      tuples = PyTuple.of(tuples);
    }
    assertSame(new PickleViewWriter(), tuples, "deep tuples");
  }

  @Test
  void theOutputCapFailsAsTheRendererDoes() {
    CanonicalJson small = JsonLines.VALUES.toBuilder().limits(Limits.builder().maxPayloadBytes(1_000).build()).build();
    String s = "x".repeat(900);
    for (int copies = 1; copies < 12; copies++) {
      List<Object> l = new ArrayList<>();
      for (int i = 0; i < copies; i++) {
        l.add(i % 2 == 0 ? s : Map.of("k", s, "d", 1.25e-300));
      }
      assertSame(small, 1_000, l, copies + " copies");
    }
  }

  @Test
  void javaTypesTheDecoderNeverMakesAreRefusedAsTheViewRefusesThem() {
    assertSame(new PickleViewWriter(), List.of(1L, new StringBuilder("x")), "StringBuilder");
    assertSame(new PickleViewWriter(), new Object(), "Object");
  }

  static Object nested(int depth) {
    Object v = "bottom";
    for (int i = 0; i < depth; i++) {
      v = List.of(v);
    }
    return v;
  }
}
