package dev.cachecompat.pickle;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cachecompat.core.Finding;
import dev.cachecompat.core.Limits;
import dev.cachecompat.core.PythonVersion;
import dev.cachecompat.core.Verdict;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.OffsetTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class PickleEncoderTest {

  @Test
  void forReadersPicksTheHighestProtocolTheOldestReaderLoads() {
    assertEquals(2, PickleEncoder.forReaders(PythonVersion.PY2_7).protocol());
    assertEquals(3, PickleEncoder.forReaders(PythonVersion.PY3_0).protocol());
    assertEquals(4, PickleEncoder.forReaders(PythonVersion.PY3_4).protocol());
    assertEquals(5, PickleEncoder.forReaders(PythonVersion.PY3_8).protocol());
    assertEquals(5, PickleEncoder.forReaders(PythonVersion.parse("3.11")).protocol());
    assertEquals(4, PickleEncoder.forReaders(PythonVersion.parse("3.7")).protocol());
    assertTrue(PickleEncoder.forReaders(PythonVersion.PY2_7).fixImports());
  }

  @Test
  void forPython27WritesWhatCpython3WritesAtProtocol2() {
    Object value = List.of(new byte[] {1}, Set.of(1), new PyComplex(1, 2));
    assertArrayEquals(PickleEncoder.protocol(2).encode(value), PickleEncoder.forReaders(PythonVersion.PY2_7).encode(value));
  }

  @Test
  void oldestReaderFollowsProtocolAndSpellings() {
    assertEquals(PythonVersion.PY2_7, PickleEncoder.protocol(0).oldestReader());
    assertEquals(PythonVersion.PY2_7, PickleEncoder.protocol(2).oldestReader());
    assertEquals(PythonVersion.PY3_0, PickleEncoder.protocol(2).toBuilder().fixImports(false).build().oldestReader());
    assertEquals(PythonVersion.PY3_0, PickleEncoder.protocol(3).oldestReader());
    assertEquals(PythonVersion.PY3_4, PickleEncoder.protocol(4).oldestReader());
    assertEquals(PythonVersion.PY3_8, PickleEncoder.protocol(5).oldestReader());
  }

  @Test
  void rejectsProtocolsOutsideZeroToFive() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> PickleEncoder.protocol(6));
    assertEquals("pickle protocol must be 0 to 5: 6", e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> PickleEncoder.protocol(-1));
    assertThrows(NullPointerException.class, () -> PickleEncoder.forReaders(null));
  }

  @Test
  void toBuilderKeepsEverySetting() {
    Limits limits = Limits.builder().maxDepth(7).build();
    PickleEncoder e = PickleEncoder.builder().protocol(1).fixImports(false).memoize(false).limits(limits).build();
    PickleEncoder copy = e.toBuilder().build();
    assertEquals(1, copy.protocol());
    assertFalse(copy.fixImports());
    assertFalse(copy.memoize());
    assertEquals(limits, copy.limits());
    assertEquals("PickleEncoder{protocol=1, fixImports=false, memoize=false}", copy.toString());
  }

  @Test
  void withoutFixImportsProtocol2NamesPython3Modules() {
    byte[] fixed = PickleEncoder.protocol(2).encode(Set.of());
    byte[] plain = PickleEncoder.protocol(2).toBuilder().fixImports(false).build().encode(Set.of());
    assertTrue(ascii(fixed).contains("c__builtin__\nset\n"), ascii(fixed));
    assertTrue(ascii(plain).contains("cbuiltins\nset\n"), ascii(plain));
  }

  @Test
  void rejectsJavaTypesWithoutPythonCounterpartNamingThePath() {
    Map<Object, Object> m = new LinkedHashMap<>();
    m.put("a", 1);
    m.put(new Object(), 2);
    PickleException e = assertThrows(PickleException.class,
        () -> PickleEncoder.protocol(4).encode(List.of(1, 2, 3, m)));
    assertEquals("cannot encode java.lang.Object (no Python counterpart) at value[3][1].key", e.getMessage());
    assertEquals("unsupported-type", e.code());
    assertEquals(Verdict.VALID, e.verdict());
    assertEquals(Finding.NO_OFFSET, e.offset());

    PickleException v = assertThrows(PickleException.class,
        () -> PickleEncoder.protocol(2).encode(Map.of("k", List.of(PyTuple.of(1, 'c')))));
    assertEquals("cannot encode java.lang.Character (no Python counterpart) at value[0].value[0][1]", v.getMessage());
    PickleException o = assertThrows(PickleException.class, () -> PickleEncoder.protocol(2).encode(
        new PyObject("m.C", List.of(1, new int[0]), null)));
    assertEquals("cannot encode int[] (no Python counterpart) at value.args[1]", o.getMessage());
  }

  @Test
  void rejectsUnhashableDictKeysAndSetElements() {
    Map<Object, Object> m = new LinkedHashMap<>();
    m.put(new ArrayList<>(List.of(1)), "x");
    PickleException e = assertThrows(PickleException.class, () -> PickleEncoder.protocol(2).encode(m));
    assertEquals("unhashable java.util.ArrayList (a Python list) as a dict key at value[0].key", e.getMessage());
    assertEquals("unhashable", e.code());
    for (int p : new int[] {2, 4}) {
      Set<Object> s = new LinkedHashSet<>(List.of(1, PyTuple.of(1, Map.of())));
      PickleException se = assertThrows(PickleException.class, () -> PickleEncoder.protocol(p).encode(s));
      assertEquals("unhashable dev.cachecompat.pickle.PyTuple (a Python tuple holding a dict) as a set element"
          + " at value[1]", se.getMessage());
    }
    PickleException f = assertThrows(PickleException.class,
        () -> PickleEncoder.protocol(5).encode(PyFrozenSet.copyOf(List.of(PyByteArray.copyOf(new byte[1])))));
    assertEquals("unhashable dev.cachecompat.pickle.PyByteArray (a Python bytearray) as a set element at value[0]",
        f.getMessage());
  }

  @Test
  void rejectsKeysThatPythonWouldMergeIntoOne() {
    Map<Object, Object> m = new LinkedHashMap<>();
    m.put("a", 0);
    m.put(1, "int");
    m.put(2L, "long");
    m.put(1L, "long");
    PickleException e = assertThrows(PickleException.class, () -> PickleEncoder.protocol(2).encode(List.of(m)));
    assertEquals("dict key 1 (java.lang.Long) equals the earlier 1 (java.lang.Integer) in Python, which would keep"
        + " only one at value[0][3].key", e.getMessage());
    assertEquals("duplicate-key", e.code());
    assertEquals(Verdict.VALID, e.verdict());
    for (int p : new int[] {2, 4}) {
      int protocol = p;
      assertEquals("set element 1.0 (java.lang.Double) equals the earlier true (java.lang.Boolean) in Python, which"
          + " would keep only one at value[1]", assertThrows(PickleException.class,
              () -> PickleEncoder.protocol(protocol).encode(new LinkedHashSet<>(List.of(true, 1.0)))).getMessage());
    }
    assertEquals("duplicate-key", assertThrows(PickleException.class,
        () -> PickleEncoder.protocol(5).encode(new LinkedHashSet<>(List.of(0.0, -0.0)))).code());
    assertEquals("duplicate-key", assertThrows(PickleException.class, () -> PickleEncoder.protocol(5).encode(
        PyFrozenSet.copyOf(List.of(new java.math.BigDecimal("1.0"), new java.math.BigDecimal("1.00"))))).code());
    // distinct in Python too: encoded
    PickleEncoder.protocol(5).encode(new LinkedHashSet<>(List.of(1, 2L, 2.5, false, new java.math.BigDecimal("3"))));
    PickleEncoder.protocol(5).encode(new LinkedHashSet<>(List.of(0.0, 1.0, Double.NaN)));
  }

  @Test
  void rejectsNestingBeyondMaxDepthButAcceptsItExactly() {
    assertEquals(1000, Limits.defaults().maxDepth());
    PickleEncoder.protocol(5).encode(nested(1000));
    PickleException e = assertThrows(PickleException.class, () -> PickleEncoder.protocol(5).encode(nested(1001)));
    assertEquals("too-deep", e.code());
    assertEquals(Verdict.OVER_LIMIT, e.verdict());
    assertTrue(e.getMessage().startsWith("value nested deeper than 1000 levels (Limits.maxDepth) at value[0][0][0]"),
        e.getMessage());
    assertTrue(e.getMessage().endsWith("... (1000 levels)"), e.getMessage());
    PickleEncoder shallow = PickleEncoder.builder().limits(Limits.builder().maxDepth(2).build()).build();
    shallow.encode(List.of(List.of(1)));
    assertEquals("value nested deeper than 2 levels (Limits.maxDepth) at value[0][0]",
        assertThrows(PickleException.class, () -> shallow.encode(List.of(List.of(List.of())))).getMessage());
  }

  @Test
  void neverThrowsStackOverflowErrorEvenWithAHugeDepthLimit() {
    PickleEncoder deep = PickleEncoder.builder().limits(Limits.builder().maxDepth(Integer.MAX_VALUE).build()).build();
    PickleException e = assertThrows(PickleException.class, () -> deep.encode(nested(1_000_000)));
    assertEquals("too-deep", e.code());
  }

  @Test
  void writesCyclesThroughTheMemoAndRefusesThemWithout() {
    List<Object> l = new ArrayList<>();
    l.add(l);
    assertArrayEquals(new byte[] {(byte) 0x80, 2, ']', 'q', 0, 'h', 0, 'a', '.'}, PickleEncoder.protocol(2).encode(l));
    PickleEncoder noMemo = PickleEncoder.protocol(2).toBuilder().memoize(false).build();
    assertEquals("too-deep", assertThrows(PickleException.class, () -> noMemo.encode(l)).code());
  }

  @Test
  void memoizesByIdentityNotEquality() {
    List<Object> a = new ArrayList<>(List.of(1));
    List<Object> equal = new ArrayList<>(List.of(1));
    // ] q0 ( ]q1 K1 a h1 ]q2 K1 a e .  : the second reference to a is a BINGET, the equal list is written out
    assertEquals("\\x80\\x02]q\\x00(]q\\x01K\\x01ah\\x01]q\\x02K\\x01ae.",
        PickleEncoderGoldenTest.show(PickleEncoder.protocol(2).encode(List.of(a, a, equal))));
    assertEquals("\\x80\\x02](]K\\x01a]K\\x01a]K\\x01ae.", PickleEncoderGoldenTest.show(
        PickleEncoder.protocol(2).toBuilder().memoize(false).build().encode(List.of(a, a, equal))));
  }

  @Test
  void refusesIntsWithMoreDigitsThanPython311ReadsAsText() {
    BigInteger max = BigInteger.TEN.pow(4300).subtract(BigInteger.ONE);
    PickleEncoder.protocol(0).encode(max);
    PickleEncoder.protocol(1).encode(max.negate());
    for (int p = 0; p <= 1; p++) {
      int protocol = p;
      PickleException e = assertThrows(PickleException.class,
          () -> PickleEncoder.protocol(protocol).encode(List.of(max.add(BigInteger.ONE))));
      assertEquals("too-many-digits", e.code());
      assertEquals("a 14285-bit int needs more than 4300 decimal digits (Limits.maxIntDigits), which Python 3.11+"
          + " refuses to read at protocol " + p + "; use protocol 2 or later at value[0]", e.getMessage());
    }
    assertEquals("too-many-digits", assertThrows(PickleException.class,
        () -> PickleEncoder.protocol(0).encode(BigInteger.ONE.shiftLeft(1_000_000))).code());
    assertEquals(0x8b, PickleEncoder.protocol(2).encode(BigInteger.ONE.shiftLeft(1_000_000))[2] & 0xff);
  }

  @Test
  void refusesPicklesBeyondMaxPayloadBytes() {
    PickleEncoder small = PickleEncoder.builder().limits(Limits.builder().maxPayloadBytes(1000).build()).build();
    small.encode("x".repeat(900));
    PickleException e = assertThrows(PickleException.class, () -> small.encode(List.of("x".repeat(2000))));
    assertEquals("too-large", e.code());
    assertEquals(Verdict.OVER_LIMIT, e.verdict());
    assertEquals("pickle would exceed 1000 bytes (Limits.maxPayloadBytes) at value[0]", e.getMessage());
  }

  @Test
  void refusesValuesPythonCannotHold() {
    assertEquals("cannot encode -0001-01-01 (java.time.LocalDate): Python's datetime holds years 1 to 9999 at value",
        assertThrows(PickleException.class, () -> PickleEncoder.protocol(2).encode(LocalDate.of(-1, 1, 1)))
            .getMessage());
    assertEquals("cannot encode 12:00:00.000000001 (java.time.LocalTime): Python's datetime holds whole"
        + " microseconds, not nanoseconds at value", assertThrows(PickleException.class,
            () -> PickleEncoder.protocol(2).encode(LocalTime.NOON.plusNanos(1))).getMessage());
    assertEquals("unsupported-value", assertThrows(PickleException.class,
        () -> PickleEncoder.protocol(2).encode(LocalDateTime.of(10000, 1, 1, 0, 0))).code());
    assertEquals("cannot encode PT-24000000000H (java.time.Duration): Python's timedelta holds -999999999 to"
        + " 999999999 days at value", assertThrows(PickleException.class,
            () -> PickleEncoder.protocol(2).encode(Duration.ofDays(-1_000_000_000L))).getMessage());
    assertEquals("cannot encode PyObject of class 'nodot': the name must be module.name at value",
        assertThrows(PickleException.class,
            () -> PickleEncoder.protocol(2).encode(new PyObject("nodot", List.of(), null))).getMessage());
    assertEquals("cannot spell global name 'caf\u00e9' in GLOBAL at protocol 2 (protocols 0-2 allow ASCII only) at"
        + " value", assertThrows(PickleException.class,
            () -> PickleEncoder.protocol(2).encode(new PyObject("caf\u00e9.X", List.of(), null))).getMessage());
  }

  @Test
  void writesPyObjectAsGlobalReduceAndBuild() {
    byte[] b = PickleEncoder.protocol(2).encode(new PyObject("argparse.Namespace", List.of(), Map.of("a", 1)));
    assertEquals("\\x80\\x02cargparse\\x0aNamespace\\x0aq\\x00)Rq\\x01}q\\x02X\\x01\\x00\\x00\\x00aq\\x03K\\x01sb.",
        PickleEncoderGoldenTest.show(b));
    byte[] py2 = PickleEncoder.protocol(2).encode(new PyObject("builtins.ValueError", List.of("x"), null));
    assertTrue(ascii(py2).startsWith("\u0080\u0002cexceptions\nValueError\n"), ascii(py2));
  }

  @Test
  void reusedEncoderForgetsTheObjectsOfTheLastValue() {
    // an encoder keeps its memo table for the next encode: a stale entry would write GET instead of the str
    String shared = new String("shared".toCharArray());
    List<Object> both = new ArrayList<>(List.of(shared, shared, new ArrayList<>(List.of(shared))));
    for (int p = 0; p <= 5; p++) {
      PickleEncoder reused = PickleEncoder.protocol(p);
      byte[] first = reused.encode(both);
      assertArrayEquals(first, reused.encode(both), "protocol " + p);
      assertArrayEquals(PickleEncoder.protocol(p).encode(List.of(shared)), reused.encode(List.of(shared)),
          "protocol " + p);
      assertArrayEquals(PickleEncoder.protocol(p).encode(shared), reused.encode(shared), "protocol " + p);
    }
  }

  @Test
  void reusedEncoderWritesCorrectlyAfterAFailureAndAfterALargeValue() {
    String shared = new String("shared".toCharArray());
    PickleEncoder reused = PickleEncoder.protocol(4);
    PickleException e = assertThrows(PickleException.class,
        () -> reused.encode(List.of(shared, new ArrayList<>(List.of(shared)), new Thread())));
    assertEquals("unsupported-type", e.code());
    assertArrayEquals(PickleEncoder.protocol(4).encode(List.of(shared)), reused.encode(List.of(shared)));
    // beyond what is kept between encodes: a 100 KB buffer and a memo of 5,000 objects
    List<Object> large = new ArrayList<>();
    for (int i = 0; i < 5000; i++) {
      large.add("item " + i + " " + "x".repeat(i % 40));
    }
    large.add(shared);
    byte[] big = reused.encode(large);
    assertTrue(big.length > 100_000, "length " + big.length);
    assertArrayEquals(PickleEncoder.protocol(4).encode(large), big);
    assertArrayEquals(PickleEncoder.protocol(4).encode(List.of(shared, shared)), reused.encode(List.of(shared, shared)));
  }

  @Test
  void concurrentEncodesOfDifferentValuesDoNotMix() throws Exception {
    PickleEncoder encoder = PickleEncoder.protocol(5);
    List<Object> values = new ArrayList<>();
    for (int i = 0; i < 64; i++) {
      String s = "value " + i;
      List<Object> v = new ArrayList<>();
      for (int j = 0; j <= i; j++) {
        v.add(Map.of("s", s, "n", j));
      }
      values.add(v);
    }
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<byte[]>> results = new ArrayList<>();
      for (int round = 0; round < 20; round++) {
        for (Object v : values) {
          results.add(pool.submit(() -> encoder.encode(v)));
        }
      }
      for (int i = 0; i < results.size(); i++) {
        assertArrayEquals(PickleEncoder.protocol(5).encode(values.get(i % values.size())), results.get(i).get());
      }
    } finally {
      pool.shutdown();
    }
  }

  @Test
  void isDeterministicAndThreadSafe() throws Exception {
    Map<Object, Object> value = new LinkedHashMap<>();
    for (int i = 0; i < 3000; i++) {
      value.put("k" + i, List.of(i, "v" + i, new byte[] {(byte) i}, 1.5 * i));
    }
    PickleEncoder encoder = PickleEncoder.forReaders(PythonVersion.PY3_8);
    byte[] first = encoder.encode(value);
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<byte[]>> results = new ArrayList<>();
      for (int i = 0; i < 16; i++) {
        results.add(pool.submit(() -> encoder.encode(value)));
      }
      for (Future<byte[]> f : results) {
        assertArrayEquals(first, f.get());
      }
    } finally {
      pool.shutdown();
    }
  }

  @Test
  void floatReprMatchesCpythonForThousandsOfDoubles() throws IOException {
    int checked = 0;
    try (BufferedReader r = new BufferedReader(new InputStreamReader(
        PickleEncoderGoldenTest.resource("encoder/float-repr.txt"), StandardCharsets.US_ASCII))) {
      for (String line = r.readLine(); line != null; line = r.readLine()) {
        int space = line.indexOf(' ');
        double d = Double.longBitsToDouble(Long.parseUnsignedLong(line.substring(0, space), 16));
        assertEquals(line.substring(space + 1), EncoderFloats.repr(d), line);
        checked++;
      }
    }
    assertTrue(checked > 5000, "checked " + checked);
    assertEquals("nan", EncoderFloats.repr(Double.NaN));
    assertEquals("-inf", EncoderFloats.repr(Double.NEGATIVE_INFINITY));
  }

  @Test
  void writesLoneSurrogatesAsCpythonSurrogatepass() {
    byte[] b = PickleEncoder.protocol(4).encode("a\ud800\ud83d\ude00");
    assertEquals(Arrays.toString(new byte[] {(byte) 0x8c, 8, 'a', (byte) 0xed, (byte) 0xa0, (byte) 0x80, (byte) 0xf0,
        (byte) 0x9f, (byte) 0x98, (byte) 0x80}), Arrays.toString(Arrays.copyOfRange(b, 11, 21)));
    assertEquals("V\\ud800\\U0001f600\np0\n.", new String(PickleEncoder.protocol(0).encode("\ud800\ud83d\ude00"),
        StandardCharsets.ISO_8859_1));
  }

  @Test
  void refusesTimezonesForPython27ReadersAndOddSecondOffsetsBeforeProtocol5() {
    OffsetDateTime aware = OffsetDateTime.of(2018, 3, 4, 5, 6, 7, 0, ZoneOffset.ofHours(2));
    PickleException e = assertThrows(PickleException.class,
        () -> PickleEncoder.forReaders(PythonVersion.PY2_7).encode(Map.of("when", aware)));
    assertEquals("cannot encode 2018-03-04T05:06:07+02:00 (java.time.OffsetDateTime): Python 2.7 has no"
        + " datetime.timezone, and protocol 2 with fixImports is for Python 2.7 readers; use protocol 3 or later, or"
        + " fixImports(false) for Python 3 readers only at value[0].value", e.getMessage());
    assertEquals("unsupported-value", e.code());
    assertEquals(Verdict.VALID, e.verdict());
    for (Object v : List.of(OffsetTime.of(1, 2, 3, 0, ZoneOffset.UTC), ZoneOffset.UTC)) {
      for (int p = 0; p <= 2; p++) {
        int protocol = p;
        assertTrue(assertThrows(PickleException.class, () -> PickleEncoder.protocol(protocol).encode(v)).getMessage()
            .contains("Python 2.7 has no datetime.timezone"));
        PickleEncoder.protocol(p).toBuilder().fixImports(false).build().encode(v);
      }
    }
    ZoneOffset odd = ZoneOffset.ofTotalSeconds(5445);
    assertEquals("cannot encode +01:30:45 (java.time.ZoneOffset): Python before 3.7 holds only whole-minute offsets"
        + " in datetime.timezone, and protocol 4 is for Python 3.0+ readers; use protocol 5 (Python 3.8+) at value",
        assertThrows(PickleException.class, () -> PickleEncoder.protocol(4).encode(odd)).getMessage());
    assertEquals(5445, ((ZoneOffset) PickleDecoder.defaults().decode(PickleEncoder.protocol(5).encode(odd)))
        .getTotalSeconds());
  }

  @Test
  void writesUtcAsCpythonWritesTimezoneUtc() {
    // pickle.dumps(datetime.timezone.utc, 2) under CPython 3.6-3.13
    assertEquals("\\x80\\x02cdatetime\\x0atimezone\\x0aq\\x00cdatetime\\x0atimedelta\\x0aq\\x01K\\x00K\\x00K\\x00"
        + "\\x87q\\x02Rq\\x03\\x85q\\x04Rq\\x05.", PickleEncoderGoldenTest.show(
            PickleEncoder.protocol(2).toBuilder().fixImports(false).build().encode(ZoneOffset.UTC)));
  }

  @Test
  void writesDecimalSpecialsAsDecimalOfTheirTextAndRefusesOtherText() {
    // pickle.dumps(decimal.Decimal('-0E-7'), 0) under CPython 3
    assertEquals("cdecimal\nDecimal\np0\n(V-0E-7\np1\ntp2\nRp3\n.",
        ascii(PickleEncoder.protocol(0).encode(new PyDecimal("-0E-7"))));
    for (String t : List.of("NaN", "sNaN12", "-Infinity", "-0", "Infinity")) {
      PyDecimal d = new PyDecimal(t);
      assertEquals(d, PickleDecoder.defaults().decode(PickleEncoder.protocol(3).encode(d)));
    }
    PickleException e = assertThrows(PickleException.class,
        () -> PickleEncoder.protocol(3).encode(List.of(new PyDecimal("1,5"))));
    assertEquals("cannot encode PyDecimal[text=1,5] (dev.cachecompat.pickle.PyDecimal): not a Decimal literal Python"
        + " reads ('1,5'; expected NaN, sNaN, [-]Infinity or a number such as -0E-7) at value[0]", e.getMessage());
    assertEquals("unsupported-value", e.code());
  }

  @Test
  void refusesDecimalAndAwareKeysPythonWouldMergeOrCannotHash() {
    assertEquals("duplicate-key", assertThrows(PickleException.class, () -> PickleEncoder.protocol(5).encode(
        new LinkedHashSet<>(List.of(0, new PyDecimal("-0E-7"))))).code());
    Map<Object, Object> sameInstant = new LinkedHashMap<>();
    sameInstant.put(OffsetDateTime.of(2020, 1, 1, 2, 0, 0, 0, ZoneOffset.ofHours(2)), "a");
    sameInstant.put(OffsetDateTime.of(2020, 1, 1, 0, 0, 0, 0, ZoneOffset.UTC), "b");
    assertEquals("dict key 2020-01-01T00:00Z (java.time.OffsetDateTime) equals the earlier 2020-01-01T02:00+02:00"
        + " (java.time.OffsetDateTime) in Python, which would keep only one at value[1].key",
        assertThrows(PickleException.class, () -> PickleEncoder.protocol(5).encode(sameInstant)).getMessage());
    assertEquals("duplicate-key", assertThrows(PickleException.class, () -> PickleEncoder.protocol(5).encode(
        new LinkedHashSet<>(List.of(OffsetTime.of(5, 0, 0, 0, ZoneOffset.ofHours(2)), OffsetTime.of(3, 0, 0, 0,
            ZoneOffset.UTC))))).code());
    assertEquals("unhashable dev.cachecompat.pickle.PyDecimal (a Python signaling NaN Decimal) as a set element at"
        + " value[0]", assertThrows(PickleException.class, () -> PickleEncoder.protocol(5).encode(
            new LinkedHashSet<>(List.of(new PyDecimal("sNaN"))))).getMessage());
    // distinct in Python: Python compares aware times without wrapping around midnight
    PickleEncoder.protocol(5).encode(new LinkedHashSet<>(List.of(OffsetTime.of(0, 30, 0, 0, ZoneOffset.ofHours(1)),
        OffsetTime.of(23, 30, 0, 0, ZoneOffset.UTC), new PyDecimal("NaN"), new PyDecimal("-1"), 1)));
  }

  @Test
  void writesEllipsisAndNotImplementedAsTheBareGlobal() {
    PyObject ellipsis = new PyObject("builtins.Ellipsis", List.of(), null);
    // pickle.dumps(Ellipsis, 2) and pickle.dumps(NotImplemented, 4) under CPython 3
    assertEquals("\\x80\\x02c__builtin__\\x0aEllipsis\\x0aq\\x00.",
        PickleEncoderGoldenTest.show(PickleEncoder.protocol(2).encode(ellipsis)));
    assertEquals("\\x80\\x04\\x95\\x1f\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x8c\\x08builtins\\x94"
        + "\\x8c\\x0eNotImplemented\\x94\\x93\\x94.", PickleEncoderGoldenTest.show(
            PickleEncoder.protocol(4).encode(new PyObject("builtins.NotImplemented", List.of(), null))));
    assertEquals(List.of(ellipsis, ellipsis),
        PickleDecoder.defaults().decode(PickleEncoder.protocol(0).encode(List.of(ellipsis, ellipsis))));
  }

  private static Object nested(int depth) {
    List<Object> top = new ArrayList<>();
    List<Object> l = top;
    for (int i = 1; i < depth; i++) {
      List<Object> inner = new ArrayList<>();
      l.add(inner);
      l = inner;
    }
    return top;
  }

  private static String ascii(byte[] b) {
    return new String(b, StandardCharsets.ISO_8859_1);
  }
}
