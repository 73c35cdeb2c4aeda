package dev.cachecompat.pickle;

import static dev.cachecompat.pickle.EncoderTypedValues.array;
import static dev.cachecompat.pickle.EncoderTypedValues.bytes;
import static dev.cachecompat.pickle.EncoderTypedValues.def;
import static dev.cachecompat.pickle.EncoderTypedValues.dict;
import static dev.cachecompat.pickle.EncoderTypedValues.flt;
import static dev.cachecompat.pickle.EncoderTypedValues.integer;
import static dev.cachecompat.pickle.EncoderTypedValues.node;
import static dev.cachecompat.pickle.EncoderTypedValues.ref;
import static dev.cachecompat.pickle.EncoderTypedValues.seq;
import static dev.cachecompat.pickle.EncoderTypedValues.str;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cachecompat.core.PythonVersion;
import dev.cachecompat.testsupport.PythonInterpreter;
import dev.cachecompat.testsupport.Pythons;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The differential test: pickles written by {@link PickleEncoder} are loaded by every real interpreter that
 * should load them (Python 2.7 and 3.6-3.13 from pyenv), and compared there, in Python, with the expected value
 * built from the typed notation: types, float bits, key order (3.7+), shared references and cycles included.
 */
class PickleEncoderIT {
  private record Case(String name, JsonNode notation) {}

  private record Enc(String label, PickleEncoder encoder, PythonVersion oldest) {}

  private static final ObjectWriter ASCII_JSON =
      JsonMapper.builder().enable(JsonWriteFeature.ESCAPE_NON_ASCII).build().writer();

  private static List<Case> cases;
  private static List<Enc> encoders;
  private static String script;

  @BeforeAll
  static void prepare() throws IOException {
    cases = new ArrayList<>();
    for (JsonNode c : EncoderTypedValues.JSON.readTree(PickleEncoderGoldenTest.resource("encoder/cases.json"))) {
      cases.add(new Case("golden:" + c.get("name").asText(), c.get("value")));
    }
    addGeneratedCases();
    encoders = new ArrayList<>();
    for (int p = 0; p <= 5; p++) {
      encoders.add(new Enc("protocol(" + p + ")", PickleEncoder.protocol(p), PythonVersion.oldestLoadingProtocol(p)));
    }
    for (PythonVersion v : List.of(PythonVersion.PY2_7, PythonVersion.PY3_0, PythonVersion.PY3_4, PythonVersion.PY3_8)) {
      encoders.add(new Enc("forReaders(" + v + ")", PickleEncoder.forReaders(v), v));
    }
    for (int p : new int[] {0, 2}) {
      // Python 3 readers only: the spelling that may write datetime.timezone below protocol 3
      PickleEncoder py3Only = PickleEncoder.protocol(p).toBuilder().fixImports(false).build();
      encoders.add(new Enc("protocol(" + p + ").fixImports(false)", py3Only, py3Only.oldestReader()));
    }
    encoders.add(new Enc("[no-sharing] protocol(2).memoize(false)",
        PickleEncoder.protocol(2).toBuilder().memoize(false).build(), PythonVersion.PY2_7));
    encoders.add(new Enc("[no-sharing] protocol(5).memoize(false)",
        PickleEncoder.protocol(5).toBuilder().memoize(false).build(), PythonVersion.PY3_8));
    script = text("encoder/typed_value.py") + "\n" + text("encoder/check_loads.py");
  }

  @Test
  void everyInterpreterLoadsWhatJavaWroteAsTheSameValue() throws IOException {
    Pythons.require("2.7");
    Pythons.require("3.13");
    Map<String, byte[]> pickles = new LinkedHashMap<>();
    Map<String, byte[]> notations = new LinkedHashMap<>();
    for (Case c : cases) {
      notations.put(c.name, ASCII_JSON.writeValueAsBytes(c.notation));
    }
    List<String> failures = new ArrayList<>();
    Map<String, Integer> checked = new LinkedHashMap<>();
    Map<String, String> refused = new LinkedHashMap<>();
    for (PythonInterpreter python : Pythons.all()) {
      PythonVersion version = PythonVersion.parse(python.majorMinor());
      ByteArrayOutputStream in = new ByteArrayOutputStream();
      int records = 0;
      for (Enc e : encoders) {
        if (!version.atLeast(e.oldest)) {
          continue;
        }
        for (Case c : cases) {
          if (!e.encoder.memoize() && c.name.contains("cycle")) {
            continue;
          }
          String name = e.label + " " + c.name;
          byte[] pickle = pickles.computeIfAbsent(name, k -> encodeOrRefuse(e.encoder, c, refused, name));
          if (pickle == null) {
            continue;
          }
          field(in, name.getBytes(StandardCharsets.UTF_8));
          field(in, pickle);
          field(in, notations.get(c.name));
          records++;
        }
      }
      // the harness must be able to fail: three records whose pickle is NOT the expected value
      List<Object> twice = new ArrayList<>(List.of(1));
      Object[][] wrong = {
          {1, EncoderTypedValues.integer(2)},
          {List.of(twice, twice), seq("list", EncoderTypedValues.ints("list", 1), EncoderTypedValues.ints("list", 1))},
          {"a", bytes(new byte[] {'a'})}};
      for (int i = 0; i < wrong.length; i++) {
        field(in, ("[self-check] " + i).getBytes(StandardCharsets.UTF_8));
        field(in, PickleEncoder.protocol(2).encode(wrong[i][0]));
        field(in, ASCII_JSON.writeValueAsBytes(wrong[i][1]));
        records++;
      }
      PythonInterpreter.Result r = python.run(script, in.toByteArray());
      assertEquals(0, r.exitCode(), python + " failed:\n" + r.stderr());
      String[] lines = r.stdoutText().split("\n");
      int ok = 0;
      int selfChecks = 0;
      for (String line : lines) {
        if (line.startsWith("[self-check] ")) {
          assertTrue(line.contains("\tDIFF "), python + " did not notice a wrong value: " + line);
          selfChecks++;
        } else if (line.endsWith("\tOK")) {
          ok++;
        } else if (!line.isEmpty()) {
          failures.add(python + ": " + line);
        }
      }
      assertEquals(records, lines.length, python + " answered " + lines.length + " of " + records + " records");
      assertEquals(wrong.length, selfChecks);
      checked.put(python.version(), ok);
    }
    assertEquals(List.of(), failures.subList(0, Math.min(40, failures.size())),
        failures.size() + " pickles did not load as the same value; loaded fine: " + checked);
    assertTrue(checked.size() >= 2 && checked.values().stream().allMatch(n -> n >= 1000), "checked " + checked);
    // every value with a datetime.timezone is refused by the 2.7-reader encoders, and only by them
    long timezoneCases = cases.stream().filter(c -> hasTimezone(c.notation)).count();
    long py27Encoders = encoders.stream().filter(e -> e.encoder.oldestReader().isPython2()).count();
    long py27Refusals = refused.values().stream().filter(m -> m.contains("Python 2.7 has no")).count();
    assertTrue(timezoneCases >= 25, "only " + timezoneCases + " timezone cases");
    assertEquals(timezoneCases * py27Encoders, py27Refusals, () -> String.join("\n", refused.keySet()));
  }

  /**
   * Library types the decoder maps to plain Java values (OrderedDict, Counter, defaultdict to a map, deque to a list,
   * a named timezone to a ZoneOffset) or to PyObject (range, slice, Fraction, Ellipsis, NotImplemented), pickled by
   * each Python 3 at each of its protocols, decoded, re-encoded at each of its protocols, load there as the plain
   * Python value (encoder/library_values.py says which).
   */
  @Test
  void libraryValuesTheDecoderReturnsLoadBackInEveryPython3() throws IOException {
    Pythons.require("3.13");
    String harness = text("encoder/library_values.py");
    Map<String, Integer> checked = new LinkedHashMap<>();
    List<String> failures = new ArrayList<>();
    for (PythonInterpreter python : Pythons.all()) {
      if (python.isPython2()) {
        continue;
      }
      int highest = PythonVersion.parse(python.majorMinor()).highestPickleProtocol();
      byte[] produced = python.runChecked(harness, new byte[0], "produce");
      ByteArrayOutputStream in = new ByteArrayOutputStream();
      int records = 0;
      byte[] range = null;
      for (int pos = 0; pos < produced.length; ) {
        int n = readInt(produced, pos);
        String name = new String(produced, pos + 4, n, StandardCharsets.US_ASCII);
        pos += 4 + n;
        int m = readInt(produced, pos);
        byte[] pickle = java.util.Arrays.copyOfRange(produced, pos + 4, pos + 4 + m);
        pos += 4 + m;
        Object value = PickleDecoder.defaults().decode(pickle);
        for (int p = 0; p <= highest; p++) {
          PickleEncoder encoder = PickleEncoder.protocol(p);
          if (p <= 2 && name.contains("timezone")) {
            encoder = encoder.toBuilder().fixImports(false).build(); // protocol(p) refuses: Python 2.7 has none
          }
          byte[] again = encoder.encode(value);
          field(in, (name + " -> " + encoder).getBytes(StandardCharsets.US_ASCII));
          field(in, again);
          records++;
          if (name.equals("range p2") && p == 2) {
            range = again;
          }
        }
      }
      // the harness must be able to fail: a range where a slice is expected
      field(in, "slice [self-check]".getBytes(StandardCharsets.US_ASCII));
      field(in, range);
      String[] lines = new String(python.runChecked(harness, in.toByteArray(), "check"), StandardCharsets.UTF_8)
          .split("\n");
      assertEquals(records + 1, lines.length, python + " answered " + lines.length + " of " + (records + 1));
      int ok = 0;
      for (String line : lines) {
        if (line.startsWith("slice [self-check]")) {
          assertEquals("slice [self-check]\tDIFF type range != slice", line);
        } else if (line.endsWith("\tOK")) {
          ok++;
        } else {
          failures.add(python + ": " + line);
        }
      }
      checked.put(python.version(), ok);
    }
    assertEquals(List.of(), failures.subList(0, Math.min(40, failures.size())),
        failures.size() + " re-encoded library values did not load back; loaded fine: " + checked);
    assertTrue(checked.size() >= 2 && checked.values().stream().allMatch(n -> n >= 13 * 5 * 5), "checked " + checked);
  }

  private static int readInt(byte[] b, int pos) {
    return (b[pos] & 0xff) << 24 | (b[pos + 1] & 0xff) << 16 | (b[pos + 2] & 0xff) << 8 | (b[pos + 3] & 0xff);
  }

  /**
   * The encoder's pickle, or null when it refuses on purpose: a datetime.timezone for Python 2.7 readers, or an
   * offset of odd seconds for readers before 3.7. Anything else it refuses is a failure.
   */
  private static byte[] encodeOrRefuse(PickleEncoder encoder, Case c, Map<String, String> refused, String name) {
    try {
      return encoder.encode(EncoderTypedValues.toJava(c.notation));
    } catch (PickleException x) {
      assertEquals("unsupported-value", x.code(), name);
      String m = x.getMessage();
      boolean py27 = encoder.oldestReader().isPython2() && m.contains("Python 2.7 has no datetime.timezone");
      boolean seconds = encoder.protocol() < 5 && m.contains("Python before 3.7 holds only whole-minute offsets");
      assertTrue(hasTimezone(c.notation) && (py27 || seconds), () -> name + " refused: " + m);
      refused.put(name, m);
      return null;
    }
  }

  private static boolean hasTimezone(JsonNode notation) {
    return notation.toString().matches(".*(\"tz\"|\"t\":\"timezone\").*");
  }

  private static void field(ByteArrayOutputStream out, byte[] b) {
    int n = b.length;
    out.write(n >>> 24);
    out.write(n >>> 16);
    out.write(n >>> 8);
    out.write(n);
    out.write(b, 0, n);
  }

  private static String text(String path) throws IOException {
    try (InputStream in = PickleEncoderGoldenTest.resource(path)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  private static void add(String name, JsonNode notation) {
    cases.add(new Case(name, notation));
  }

  private static void addGeneratedCases() {
    // ints around every width boundary, as Integer, Long or BigInteger by size
    for (int k : new int[] {7, 8, 15, 16, 31, 32, 33, 63, 64, 65, 100, 1000, 2039, 2040, 2041, 8000}) {
      BigInteger p = BigInteger.ONE.shiftLeft(k);
      for (BigInteger v : List.of(p.subtract(BigInteger.ONE), p, p.add(BigInteger.ONE))) {
        add("int 2^" + k + (v.equals(p) ? "" : v.compareTo(p) < 0 ? "-1" : "+1"), integer(v));
        add("int -(2^" + k + (v.equals(p) ? "" : v.compareTo(p) < 0 ? "-1" : "+1") + ")", integer(v.negate()));
      }
    }
    add("int 10^4299 (4300 digits)", integer(BigInteger.TEN.pow(4299)));
    add("int -10^4000", integer(BigInteger.TEN.pow(4000).negate()));
    add("int small as Long", integer(7, "long"));
    add("int Short.MIN_VALUE", integer(Short.MIN_VALUE, "short"));
    add("int Byte.MIN_VALUE", integer(Byte.MIN_VALUE, "byte"));
    add("int Long.MIN_VALUE as BigInteger", integer(Long.MIN_VALUE, "biginteger"));
    // floats
    double[] floats = {0.0, -0.0, 0.1, 0.2, 0.30000000000000004, 1.0 / 3, 2.0 / 3, 100.0, 1e16, 1e-4, 1e-5, 1e22,
        1e23, 9007199254740993.0, Double.MAX_VALUE, -Double.MAX_VALUE, Double.MIN_VALUE, Double.MIN_NORMAL,
        Double.MIN_NORMAL - Double.MIN_VALUE, 1e-320, 4.35e-321, Double.POSITIVE_INFINITY,
        Double.NEGATIVE_INFINITY, Double.NaN, 123456.789e-300, 2.5e-7, 5e-324, 1.7976931348623157e308,
        0.1 + 0.7, 1234567890123456789.0, 123456789012345678.0};
    for (double d : floats) {
      add("float " + d, flt(d));
    }
    Random random = new Random(42);
    for (int i = 0; i < 60; i++) {
      double d = Double.longBitsToDouble(random.nextLong());
      add("float random " + i + " " + d, flt(d));
    }
    for (float f : new float[] {0.1f, 1e-40f, Float.MAX_VALUE, 3.14159f}) {
      ObjectNode n = flt(f);
      n.put("j", "float32");
      add("float32 " + f, n);
    }
    // text
    String[] texts = {"", "\u00e9", "\u20ac", "\ud83d\ude00", "a\ud83d\ude00b", "\ud800", "\udfff", "\ud800\ud800",
        "x\udbff", "\udc00y", "\ud83d", "\u0100\u07ff\u0800\uffff\u0080", "\u0000\r\n\u001a\\\t\u007f",
        "\ud83d\ude00\ud83d", "\udc00\ud800"};
    for (String s : texts) {
      add("str " + escape(s), str(s));
    }
    StringBuilder controls = new StringBuilder();
    for (char c = 0; c < 256; c++) {
      controls.append(c);
    }
    add("str latin-1 range", str(controls.toString()));
    add("str 40000 x e-acute (80000 UTF-8 bytes)", str("\u00e9".repeat(40000)));
    add("str 17000 emoji (68000 UTF-8 bytes)", str("\ud83d\ude00".repeat(17000)));
    add("str lone surrogates 70000", str("\ud800x".repeat(35000)));
    for (int n : new int[] {65535, 65536, 65537}) {
      add("str x*" + n, str("x".repeat(n)));
    }
    Random textRandom = new Random(7);
    int[][] ranges = {{0x20, 0x7f}, {0x80, 0x800}, {0x800, 0xd800}, {0xd800, 0xe000}, {0xe000, 0x10000},
        {0x10000, 0x110000}};
    for (int i = 0; i < 40; i++) {
      StringBuilder s = new StringBuilder();
      int len = textRandom.nextInt(40);
      for (int j = 0; j < len; j++) {
        int[] r = ranges[textRandom.nextInt(ranges.length)];
        s.appendCodePoint(r[0] + textRandom.nextInt(r[1] - r[0]));
      }
      add("str random " + i, str(s.toString()));
    }
    // bytes and bytearray
    Random byteRandom = new Random(11);
    for (int n : new int[] {0, 1, 255, 256, 65535, 65536, 70000}) {
      byte[] b = new byte[n];
      byteRandom.nextBytes(b);
      add("bytes random " + n, bytes(b));
      add("bytearray random " + n, node("bytearray", EncoderTypedValues.hex(b)));
    }
    // containers
    JsonNode deep = EncoderTypedValues.ints("list", 1);
    for (int i = 0; i < 60; i++) {
      deep = node(i % 3 == 0 ? "tuple" : i % 3 == 1 ? "list" : "dict", i % 3 == 2
          ? array(array(str("k" + i), deep)) : array(deep));
    }
    add("nested 60 levels", deep);
    List<JsonNode> keys = new ArrayList<>();
    List<JsonNode> values = new ArrayList<>();
    List<JsonNode> strings = new ArrayList<>();
    for (int i = 0; i < 2000; i++) {
      keys.add(str("key" + i));
      values.add(i % 2 == 0 ? integer(i) : str("v" + i));
      strings.add(str("s" + (i * 7919 % 2003)));
    }
    add("dict 2000 str keys", dict(keys, values));
    add("list 2000 strings", seq("list", strings));
    add("set 2000 strings", seq("set", strings));
    add("frozenset 2000 strings", seq("frozenset", strings));
    add("tuple 1000", seq("tuple", strings.subList(0, 1000)));
    add("dict mixed keys", dict(
        List.of(integer(1), str("1"), bytes(new byte[] {'1'}), seq("tuple", integer(1), str("a")),
            seq("frozenset", integer(2)), node("decimal", "1.5"), flt(2.5), node("uuid", "0".repeat(31) + "1"),
            node("date", array(2001, 2, 3)), EncoderTypedValues.NULL_NODE),
        List.of(str("int"), str("str"), str("bytes"), str("tuple"), str("frozenset"), str("decimal"), str("float"),
            str("uuid"), str("date"), str("none"))));
    add("set of tuples and frozensets", seq("set", seq("tuple", integer(1), integer(2)), seq("tuple"),
        seq("frozenset", str("a"), str("b")), EncoderTypedValues.NULL_NODE, flt(-0.5)));
    add("shared list in a dict", seq("list", def("a", EncoderTypedValues.ints("list", 1, 2)),
        dict(List.of(str("x"), str("y")), List.of(ref("a"), ref("a")))));
    add("shared dict, set, bytearray", seq("list",
        def("d", dict(List.of(str("k")), List.of(integer(1)))), def("s", EncoderTypedValues.ints("set", 1, 2)),
        def("b", node("bytearray", "0102")), ref("d"), ref("s"), ref("b"), seq("tuple", ref("d"), ref("b"))));
    add("shared bytes and str", seq("list", def("x", bytes(new byte[] {1, 2, 3})), def("y", str("shared")),
        ref("x"), ref("y"), seq("tuple", ref("x"), ref("y"))));
    add("cycle dict list dict", def("top", dict(List.of(str("children")),
        List.of(seq("list", def("child", dict(List.of(str("parent")), List.of(ref("top")))), ref("child"))))));
    add("cycle list in itself twice", def("l", seq("list", ref("l"), integer(1), ref("l"))));
    add("cycle tuple through list", node("tuplecycle", null));
    List<JsonNode> sharedMany = new ArrayList<>();
    sharedMany.add(def("m", EncoderTypedValues.ints("list", 1)));
    for (int i = 0; i < 300; i++) {
      sharedMany.add(ref("m"));
    }
    add("one list referenced 301 times (LONG_BINGET range)", seq("list", sharedMany));
    // complex, decimal, datetime, uuid, objects
    for (String[] c : new String[][] {{"0x1.0p0", "-0x1.0p1"}, {"nan", "inf"}, {"-0x0.0p0", "0x0.0p0"},
        {"0x1.fffffffffffffp1023", "0x0.0000000000001p-1022"}}) {
      add("complex " + c[0] + " " + c[1], node("complex", array(c[0], c[1])));
    }
    for (String d : new String[] {"0", "-1", "1E+100", "1.000", "123456789E-30", "-0.5", "7E-100", "0.00",
        "31415926535897932384626433832795028841971693993751058209749445923078164062862089986280348253421170679"}) {
      add("decimal " + d, node("decimal", d));
    }
    add("datetime leap", node("datetime", array(2016, 2, 29, 23, 59, 59, 999999)));
    add("datetime 1969", node("datetime", array(1969, 12, 31, 12, 0, 0, 1)));
    add("date min", node("date", array(1, 1, 1)));
    add("date max", node("date", array(9999, 12, 31)));
    add("time noon", node("time", array(12, 0, 0, 500000)));
    add("timedelta min", node("timedelta", array(-999999999, 0, 0)));
    add("timedelta -1us", node("timedelta", array(-1, 86399, 999999)));
    Random uuidRandom = new Random(3);
    for (int i = 0; i < 10; i++) {
      byte[] b = new byte[16];
      uuidRandom.nextBytes(b);
      add("uuid random " + i, node("uuid", EncoderTypedValues.hex(b)));
    }
    add("uuid nil", node("uuid", "0".repeat(32)));
    ObjectNode od = node("object", null);
    od.put("cls", "collections.OrderedDict");
    od.set("args", array(seq("list", seq("list", str("b"), integer(1)), seq("tuple", str("a"), integer(2)))));
    add("object OrderedDict", od);
    ObjectNode ns = node("object", null);
    ns.put("cls", "argparse.Namespace");
    ns.set("args", array());
    ns.set("state", dict(List.of(str("x"), str("y")), List.of(integer(1), EncoderTypedValues.ints("list", 1, 2))));
    add("object Namespace with state", ns);
    // values only Python 3 has: aware datetimes and times, datetime.timezone (3.2+), Decimal specials
    for (int offset : new int[] {0, 60, -60, 3600, -3600, 19800, -34200, 50400, -43200, 64800, -64800, 30, -1,
        5445}) {
      ObjectNode dt = node("datetime", array(2024, 2, 29, 12, 30, 45, 250000));
      dt.put("tz", offset);
      add("datetime aware " + offset + "s", dt);
      ObjectNode t = node("time", array(0, 0, 0, 1));
      t.put("tz", offset);
      add("time aware " + offset + "s", t);
      ObjectNode z = node("timezone", null);
      z.put("v", offset);
      add("timezone " + offset + "s", z);
    }
    ObjectNode early = node("datetime", array(1, 1, 1, 0, 0, 0, 0));
    early.put("tz", 3600);
    ObjectNode late = node("datetime", array(9999, 12, 31, 23, 59, 59, 999999));
    late.put("tz", -3600);
    add("datetime aware extremes sharing nothing", seq("list", early, late, seq("tuple", early, late)));
    add("dict with aware keys", dict(List.of(early, late), List.of(str("early"), str("late"))));
    for (String d : new String[] {"NaN", "-NaN", "sNaN", "NaN12345678901234567890", "Infinity", "-Infinity", "-0",
        "-0E-7", "-0E+7", "-0.000"}) {
      add("decimal special " + d, node("decimal", d));
    }
    add("Ellipsis and NotImplemented", seq("list", node("global", "builtins.Ellipsis"),
        node("global", "builtins.NotImplemented"), node("global", "builtins.Ellipsis")));
    ObjectNode fr = node("object", null);
    fr.put("cls", "fractions.Fraction");
    fr.set("args", array(integer(1), integer(3)));
    add("object Fraction", fr);
  }

  private static String escape(String s) {
    StringBuilder b = new StringBuilder();
    for (char c : s.toCharArray()) {
      if (c >= 0x20 && c < 0x7f) {
        b.append(c);
      } else {
        b.append("\\u").append(String.format("%04x", (int) c));
      }
    }
    return b.toString();
  }
}
