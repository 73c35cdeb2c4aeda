package dev.cachecompat.json;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cachecompat.core.CacheCompatException;
import dev.cachecompat.core.Limits;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class CanonicalJsonTest {
  private static final CanonicalJson PY = CanonicalJson.python();
  private static final CanonicalJson RFC = CanonicalJson.rfc8785();

  private static String canon(CanonicalJson cj, String json) {
    return new String(cj.canonicalize(json.getBytes(UTF_8)), UTF_8);
  }

  private static JsonCanonicalException refused(CanonicalJson cj, String json) {
    return assertThrows(JsonCanonicalException.class, () -> cj.canonicalize(json.getBytes(UTF_8)));
  }

  private static JsonCanonicalException refused(CanonicalJson cj, byte[] json) {
    return assertThrows(JsonCanonicalException.class, () -> cj.canonicalize(json));
  }

  // ---- Python style

  @Test
  void writesPythonSeparatorsAndSortsKeysByCodePoint() {
    assertEquals("{\"a\": [1, 2], \"b\": {\"\\uff5e\": 1, \"\\ud83d\\ude00\": 2}}",
        canon(PY, "{\"b\":{\"\uD83D\uDE00\":2,\"\uFF5E\":1},\"a\":[1,2]}"));
  }

  @Test
  void rfcSortsTheSameKeysByUtf16Unit() {
    assertEquals("{\"\uD83D\uDE00\":2,\"\uFF5E\":1}", canon(RFC, "{\"\uFF5E\":1,\"\uD83D\uDE00\":2}"));
  }

  @Test
  void compactUsesPythonCompactSeparators() {
    CanonicalJson compact = PY.toBuilder().compact(true).build();
    assertEquals("{\"a\":[1,2.5],\"b\":null}", canon(compact, "{ \"b\" : null , \"a\" : [ 1 , 2.5 ] }"));
    assertTrue(compact.compact());
  }

  @Test
  void ensureAsciiEscapesEverythingOutsidePrintableAsciiInLowercase() {
    assertEquals("\"\\u007f\\u00e9e\\u0301\\u2028\\ud83d\\ude00/\\\"\\\\\\b\\f\\n\\r\\t\\u0000\\u001f\"",
        PY.writeString("\u007f\u00e9e\u0301\u2028\uD83D\uDE00/\"\\\b\f\n\r\t\u0000\u001f"));
  }

  @Test
  void ensureAsciiFalseWritesRawUtf8ButEscapesQuotesBackslashesAndControls() {
    CanonicalJson raw = PY.toBuilder().ensureAscii(false).build();
    assertEquals("\"\u007f\u00e9\u2028\uD83D\uDE00/\\\"\\\\\\n\\u001f\"",
        raw.writeString("\u007f\u00e9\u2028\uD83D\uDE00/\"\\\n\u001f"));
    assertArrayEquals("\"\u00e9\"".getBytes(UTF_8), raw.writeBytes("\u00e9"));
  }

  @Test
  void ensureAsciiFalseRefusesLoneSurrogatesAsPythonsUtf8EncodeDoes() {
    CanonicalJson raw = PY.toBuilder().ensureAscii(false).build();
    JsonCanonicalException e = assertThrows(JsonCanonicalException.class, () -> raw.writeBytes("a\uD800b"));
    assertEquals("lone-surrogate", e.code());
    assertEquals("string has a lone surrogate U+D800 at char 1, which UTF-8 cannot encode", e.getMessage());
    JsonCanonicalException p = refused(raw, "[1, \"x\\udc00\"]");
    assertEquals("lone-surrogate", p.code());
    assertEquals("string has a lone surrogate U+DC00 at char 1, which UTF-8 cannot encode", p.getMessage());
    // Refused only when it reaches the output: a value a later duplicate key replaces is dropped, as in Python
    // (found by CPythonPropertiesIT against Python 3.6).
    assertEquals("{\"\":0}", canon(raw.toBuilder().compact(true).build(), "{\"\":{\"\":[\"\\ud800\"]},\"\":0}"));
    assertEquals("[\"\\ud800\"]", canon(PY, "[\"\\uD800\"]"), "ensure_ascii=True escapes them");
  }

  @Test
  void readsNumbersAsPythonDoes() {
    assertEquals("[0, 100.0, -0.0, 1e+16, 1e-05, 5e-324, 123456789012345678901234567890, Infinity, -Infinity]",
        canon(PY, "[-0, 1E2, -0.0, 10000000000000000.0, 0.00001, 4.9E-324, 123456789012345678901234567890, 1e400,"
            + " -1e400]"));
    assertEquals("[NaN, Infinity, -Infinity]", canon(PY, "[NaN,Infinity,-Infinity]"));
  }

  @Test
  void lastDuplicateKeyWinsByDefault() {
    assertEquals("{\"a\": 3, \"b\": 2}", canon(PY, "{\"a\":1,\"b\":2,\"a\":3}"));
  }

  @Test
  void refusesDuplicateKeysWhenAsked() {
    CanonicalJson strict = PY.toBuilder().refuseDuplicateKeys(true).build();
    JsonCanonicalException e = refused(strict, "{\"a\":1,\"b\":2,\"a\":3}");
    assertEquals("duplicate-key", e.code());
    assertEquals(13, e.offset());
    assertEquals("duplicate key \"a\" at offset 13", e.getMessage());
  }

  @Test
  void refusesNonFiniteNumbersWhenAsked() {
    CanonicalJson strict = PY.toBuilder().allowNonFinite(false).build();
    JsonCanonicalException e = refused(strict, "[1, NaN]");
    assertEquals("non-finite-number", e.code());
    assertEquals(4, e.offset());
    assertEquals("number at offset 4 is NaN, which strict Python style (allow_nan=False) does not allow",
        e.getMessage());
    assertEquals("non-finite-number", refused(strict, "[1e400]").code());
    assertEquals("non-finite-number",
        assertThrows(JsonCanonicalException.class, () -> strict.writeBytes(Double.POSITIVE_INFINITY)).code());
  }

  // ---- RFC 8785

  @Test
  void rfcWritesEcmascriptNumbersAndRawUtf8() {
    assertEquals("[0,100,1e+21,1e-7,9007199254740992,\"\u00e9\u007f\"]",
        canon(RFC, "[-0.0, 1E2, 1e21, 0.0000001, 9007199254740993, \"\\u00e9\\u007f\"]"));
  }

  @Test
  void rfcRefusesNanInfinityLoneSurrogatesAndDuplicates() {
    JsonCanonicalException nan = refused(RFC, "[NaN]");
    assertEquals("non-finite-number", nan.code());
    assertEquals("number at offset 1 is NaN, which RFC 8785 does not allow", nan.getMessage());
    assertEquals("non-finite-number", refused(RFC, "[1e999]").code());
    assertEquals("lone-surrogate", refused(RFC, "{\"\\ud800\": 1}").code());
    assertEquals("duplicate-key", refused(RFC, "{\"a\":1,\"a\":1}").code());
  }

  @Test
  void rfcOptionsThatContradictTheRfcAreRefusedAtBuild() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> CanonicalJson.builder().style(JsonStyle.RFC8785).ensureAscii(true).build());
    assertEquals("RFC 8785 output is always raw UTF-8", e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> RFC.toBuilder().compact(false).build());
    assertThrows(IllegalArgumentException.class, () -> RFC.toBuilder().allowNonFinite(true).build());
    assertThrows(IllegalArgumentException.class, () -> RFC.toBuilder().refuseDuplicateKeys(false).build());
    CanonicalJson back = RFC.toBuilder().style(JsonStyle.PYTHON).build();
    assertTrue(back.ensureAscii());
    assertFalse(back.compact());
  }

  // ---- bad input

  @Test
  void refusesMalformedJsonWithOffsets() {
    JsonCanonicalException e = refused(PY, "[1, 2");
    assertEquals("malformed", e.code());
    assertEquals("unterminated array: input ends at offset 5", e.getMessage());
    assertEquals("extra data after the JSON value at offset 4: 'x'", refused(PY, "[1] x").getMessage());
    assertEquals("expecting a value at offset 3, found ']'", refused(PY, "[1,]").getMessage());
    assertEquals("expecting a value at offset 1, found '+'", refused(PY, "[+Infinity]").getMessage());
    assertEquals("expecting ',' or ']' at offset 2, found '1'", refused(PY, "[01]").getMessage());
    assertEquals("expecting ',' or ']' at offset 2, found '.'", refused(PY, "[1.]").getMessage());
    assertEquals("expecting a value at offset 0 but the input is empty", refused(PY, "").getMessage());
    assertEquals("invalid control character 0x09 in the string at offset 1, at offset 2",
        refused(PY, "[\"\t\"]").getMessage());
    assertEquals("invalid escape '\\x' at offset 2", refused(PY, "[\"\\x\"]").getMessage());
    assertEquals("invalid \\uXXXX escape at offset 2", refused(PY, "[\"\\u12g4\"]").getMessage());
    assertEquals("expecting a property name in double quotes at offset 7, found '}'",
        refused(PY, "{\"a\":1,}").getMessage());
    assertEquals("expecting a value at offset 1, found 'I'", refused(PY, "[INF]").getMessage());
    assertEquals(CacheCompatException.class, JsonCanonicalException.class.getSuperclass());
  }

  @Test
  void refusesABom() {
    JsonCanonicalException e = refused(PY, new byte[] {(byte) 0xef, (byte) 0xbb, (byte) 0xbf, '[', ']'});
    assertEquals("malformed", e.code());
    assertEquals("UTF-8 byte order mark at offset 0 (Python's json.loads(str) refuses it)", e.getMessage());
  }

  @Test
  void refusesInvalidUtf8ThatJacksonWouldAccept() {
    JsonCanonicalException overlong = refused(PY, new byte[] {'[', '"', (byte) 0xc0, (byte) 0x80, '"', ']'});
    assertEquals("invalid-utf8", overlong.code());
    assertEquals(2, overlong.offset());
    assertEquals("byte 0xc0 at offset 2 cannot start a UTF-8 sequence", overlong.getMessage());
    JsonCanonicalException overlong3 =
        refused(PY, new byte[] {'[', '"', (byte) 0xe0, (byte) 0x80, (byte) 0x80, '"', ']'});
    assertEquals("overlong UTF-8 encoding of U+0000 at offset 2", overlong3.getMessage());
    JsonCanonicalException surrogate =
        refused(PY, new byte[] {'[', '"', (byte) 0xed, (byte) 0xa0, (byte) 0x80, '"', ']'});
    assertEquals("UTF-8 sequence at offset 2 encodes the surrogate U+D800", surrogate.getMessage());
    JsonCanonicalException high =
        refused(PY, new byte[] {'[', '"', (byte) 0xf4, (byte) 0x90, (byte) 0x80, (byte) 0x80, '"', ']'});
    assertEquals("UTF-8 sequence at offset 2 encodes U+110000, beyond U+10FFFF", high.getMessage());
    JsonCanonicalException cont = refused(PY, new byte[] {'[', '"', (byte) 0xc3, '"', ']'});
    assertEquals(3, cont.offset());
    assertEquals("byte 0x22 at offset 3 is not a continuation of the UTF-8 sequence at offset 2", cont.getMessage());
    JsonCanonicalException truncated = refused(PY, new byte[] {'"', (byte) 0xe2, (byte) 0x82});
    assertEquals("UTF-8 sequence starting 0xe2 at offset 1 is truncated", truncated.getMessage());
  }

  @Test
  void reportsInvalidUtf8BeforeAGrammarErrorAsPythonDecodesFirst() {
    JsonCanonicalException outside = refused(PY, new byte[] {'[', '1', ']', ' ', (byte) 0xff});
    assertEquals("invalid-utf8", outside.code());
    assertEquals(4, outside.offset());
    JsonCanonicalException valid = refused(PY, "[1] \u00e9".getBytes(UTF_8));
    assertEquals("malformed", valid.code(), "valid UTF-8 in the wrong place is a grammar error");
    JsonCanonicalException key = refused(PY, new byte[] {'{', '"', (byte) 0xe2, (byte) 0x28, (byte) 0xa1, '"', ':', '1', '}'});
    assertEquals("invalid-utf8", key.code());
    assertEquals("byte 0x28 at offset 3 is not a continuation of the UTF-8 sequence at offset 2", key.getMessage());
    assertEquals("[\"\\ufffd\"]", canon(PY, "[\"\uFFFD\"]"), "a real U+FFFD is fine");
  }

  @Test
  void refuses100000DeepNestingWithoutStackOverflow() {
    byte[] deep = new byte[100_000];
    Arrays.fill(deep, (byte) '[');
    JsonCanonicalException e = refused(PY, deep);
    assertEquals("too-deep", e.code());
    assertEquals(1000, e.offset());
    assertEquals("nesting deeper than the limit of 1000 at offset 1000", e.getMessage());
  }

  @Test
  void readsAndWrites100000DeepNestingWhenTheLimitAllows() {
    int n = 100_000;
    byte[] deep = new byte[2 * n];
    Arrays.fill(deep, 0, n, (byte) '[');
    Arrays.fill(deep, n, 2 * n, (byte) ']');
    CanonicalJson unlimited = PY.toBuilder().limits(Limits.builder().maxDepth(200_000).build()).build();
    assertArrayEquals(deep, unlimited.canonicalize(deep));
  }

  @Test
  void writerRefusesADeepProgrammaticTreeWithoutRecursing() {
    ArrayNode root = JsonNodeFactory.instance.arrayNode();
    ArrayNode a = root;
    for (int i = 0; i < 100_000; i++) {
      a = a.addArray();
    }
    JsonCanonicalException e = assertThrows(JsonCanonicalException.class, () -> PY.writeBytes(root));
    assertEquals("too-deep", e.code());
    assertEquals("value nests deeper than the limit of 1000 containers (a cycle?)", e.getMessage());
    CanonicalJson unlimited = PY.toBuilder().limits(Limits.builder().maxDepth(200_000).build()).build();
    assertEquals(200_002, unlimited.writeBytes(root).length);
  }

  @Test
  void writerRefusesCyclicCollections() {
    List<Object> cycle = new ArrayList<>();
    cycle.add(cycle);
    assertEquals("too-deep", assertThrows(JsonCanonicalException.class, () -> PY.writeBytes(cycle)).code());
  }

  @Test
  void writerCapsOutputOfSharedValuesAtEightTimesThePayloadLimit() {
    Object shared = List.of("x".repeat(100));
    for (int i = 0; i < 4; i++) {
      shared = java.util.Collections.nCopies(10, shared);
    }
    Object value = shared;
    CanonicalJson small = PY.toBuilder().limits(Limits.builder().maxPayloadBytes(1000).build()).build();
    JsonCanonicalException e = assertThrows(JsonCanonicalException.class, () -> small.writeBytes(value));
    assertEquals("too-large", e.code());
    assertEquals("output would exceed the limit of 12096 bytes (8 times Limits.maxPayloadBytes, plus 4 KiB)",
        e.getMessage());
    // 104-byte leaf; each level: 10 copies, 9 ", " separators, 2 brackets
    assertEquals(((((104 * 10 + 20) * 10 + 20) * 10 + 20) * 10 + 20), small.toBuilder().limits(Limits.defaults()).build()
        .writeBytes(value).length, "the same value fits the default limit");
  }

  @Test
  void writesLongStringsAcrossChunkBoundaries() {
    String s = "\u00e9".repeat(255) + "\uD83D\uDE00" + "a".repeat(300);
    CanonicalJson raw = PY.toBuilder().ensureAscii(false).build();
    assertEquals("\"" + s + "\"", new String(raw.writeBytes(s), UTF_8));
    assertEquals(2 + 255 * 6 + 12 + 300, PY.writeBytes(s).length);
  }

  @Test
  void enforcesSizeStringAndNumberLimits() {
    CanonicalJson small = PY.toBuilder()
        .limits(Limits.builder().maxPayloadBytes(10).maxStringBytes(3).maxIntDigits(5).build()).build();
    JsonCanonicalException big = refused(small, "[1,2,3,4,5,6]");
    assertEquals("too-large", big.code());
    assertEquals("input of 13 bytes exceeds the limit of 10 bytes", big.getMessage());
    JsonCanonicalException s = refused(small, "[\"abcd\"]");
    assertEquals("string-too-long", s.code());
    assertEquals("string at offset 1 is over 3 bytes long", s.getMessage());
    JsonCanonicalException n = refused(small, "[-123456]");
    assertEquals("number-too-long", n.code());
    assertEquals("integer at offset 1 has 6 digits, over the limit of 5", n.getMessage());
    assertEquals("[-12345]", canon(small, "[-12345]"));
  }

  @Test
  void defaultIntegerLimitIsCpythonsFourThousandThreeHundredDigits() {
    String ok = "9".repeat(4300);
    assertEquals(ok, canon(PY, ok));
    assertEquals("number-too-long", refused(PY, ok + "9").code());
  }

  @Test
  void offsetsCountFromTheStartOfTheBufferForSlices() {
    byte[] lines = "[1]\n{\"b\":1,\"a\":2}\n[1,]\n".getBytes(UTF_8);
    assertEquals("{\"a\": 2, \"b\": 1}", new String(PY.canonicalize(lines, 4, 13), UTF_8));
    JsonCanonicalException e = assertThrows(JsonCanonicalException.class, () -> PY.canonicalize(lines, 18, 4));
    assertEquals(21, e.offset());
  }

  // ---- Java values

  @Test
  void writesJavaValuesDirectly() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("z", List.of(1, 2L, (short) 3, (byte) 4, new BigInteger("123456789012345678901234567890")));
    m.put("y", new double[] {0.5, -0.0});
    m.put("x", new Object[] {"s", 'c', true, null});
    m.put("w", new LinkedHashSet<>(List.of(1.5f, new BigDecimal("0.1"))));
    m.put("v", new TreeMap<>(Map.of("b", 1, "a", 2)));
    assertEquals("{\"v\": {\"a\": 2, \"b\": 1}, \"w\": [1.5, 0.1], \"x\": [\"s\", \"c\", true, null], "
        + "\"y\": [0.5, -0.0], \"z\": [1, 2, 3, 4, 123456789012345678901234567890]}", PY.writeString(m));
    assertEquals("{\"v\":{\"a\":2,\"b\":1},\"w\":[1.5,0.1],\"x\":[\"s\",\"c\",true,null],"
        + "\"y\":[0.5,0],\"z\":[1,2,3,4,1.2345678901234568e+29]}", RFC.writeString(m));
  }

  @Test
  void sortsNonStringMapKeysAsPython3Does() {
    // json.dumps({2: 1, 10: 1}, sort_keys=True) == '{"2": 1, "10": 1}' (checked in PythonJsonDifferentialIT)
    Map<Object, Object> ints = new LinkedHashMap<>();
    ints.put(10, 1);
    ints.put(2, 1);
    assertEquals("{\"2\": 1, \"10\": 1}", PY.writeString(ints));
    Map<Object, Object> mixed = new LinkedHashMap<>();
    mixed.put(0.5, 3);
    mixed.put(true, 2);
    mixed.put(false, 1);
    assertEquals("{\"false\": 1, \"0.5\": 3, \"true\": 2}", PY.writeString(mixed));
    Map<Object, Object> none = new LinkedHashMap<>();
    none.put(null, 1);
    assertEquals("{\"null\": 1}", PY.writeString(none));
    Map<Object, Object> floats = new LinkedHashMap<>();
    floats.put(1e16, 1);
    floats.put(1e-5, 2);
    floats.put(Double.POSITIVE_INFINITY, 3);
    assertEquals("{\"1e-05\": 2, \"1e+16\": 1, \"Infinity\": 3}", PY.writeString(floats));
  }

  @Test
  void refusesMapKeysPython3CannotSort() {
    Map<Object, Object> mixed = new LinkedHashMap<>();
    mixed.put("a", 1);
    mixed.put(2, 1);
    JsonCanonicalException e = assertThrows(JsonCanonicalException.class, () -> PY.writeBytes(mixed));
    assertEquals("unsortable-keys", e.code());
    assertEquals("Python 3 cannot sort keys of mixed types (1 string, 1 number, TypeError); Python 2 would",
        e.getMessage());
    Map<Object, Object> same = new LinkedHashMap<>();
    same.put(1, "a");
    same.put(1.0, "b");
    assertEquals("duplicate-key", assertThrows(JsonCanonicalException.class, () -> PY.writeBytes(same)).code());
    Map<Object, Object> other = Map.of(List.of(1), 1);
    JsonCanonicalException t = assertThrows(JsonCanonicalException.class, () -> PY.writeBytes(other));
    assertEquals("unsupported-type", t.code());
    assertEquals("RFC 8785 object keys must be strings, not java.lang.Integer 2",
        assertThrows(JsonCanonicalException.class, () -> RFC.writeBytes(Map.of(2, 1))).getMessage());
  }

  /** A POJO bound through the configured mapper. */
  static final class Account {
    @JsonProperty("zeta")
    public String name = "\u00e9";
    public double balanceDue = 1e16;
    public List<Integer> ids = List.of(3, 1);
  }

  @Test
  void bindsPojosThroughTheConfiguredObjectMapper() {
    assertEquals("{\"balanceDue\": 1e+16, \"ids\": [3, 1], \"zeta\": \"\\u00e9\"}", PY.writeString(new Account()));
    ObjectMapper snake = new ObjectMapper().setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE);
    CanonicalJson withSnake = PY.toBuilder().objectMapper(snake).build();
    assertEquals("{\"balance_due\": 1e+16, \"ids\": [3, 1], \"zeta\": \"\\u00e9\"}",
        withSnake.writeString(new Account()));
  }

  @Test
  void writesJacksonTreesWithSpecialDoubles() throws IOException {
    ObjectNode o = JsonNodeFactory.instance.objectNode();
    o.put("nan", Double.NaN).put("negzero", -0.0).put("inf", Double.NEGATIVE_INFINITY)
        .put("big", new BigInteger("-99999999999999999999")).put("dec", new BigDecimal("1E+2"))
        .put("f", 0.1f).put("bin", new byte[] {1, 2, 3});
    o.putPOJO("pojo", List.of(1));
    o.putNull("null");
    String expected = "{\"big\": -99999999999999999999, \"bin\": \"AQID\", \"dec\": 100.0, \"f\": 0.10000000149011612,"
        + " \"inf\": -Infinity, \"nan\": NaN, \"negzero\": -0.0, \"null\": null, \"pojo\": [1]}";
    assertEquals(expected, PY.writeString(o));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    PY.write(o, out);
    assertEquals(expected, out.toString(UTF_8));
  }

  @Test
  void parseGivesPythonTypes() {
    JsonNode n = PY.parse("[1, 12345678901, 123456789012345678901234567890, 1.0, 1E2, -0]".getBytes(UTF_8));
    assertTrue(n.get(0).isInt());
    assertTrue(n.get(1).isLong());
    assertTrue(n.get(2).isBigInteger());
    assertTrue(n.get(3).isDouble());
    assertTrue(n.get(4).isDouble());
    assertTrue(n.get(5).isInt());
    assertTrue(RFC.parse("[1]".getBytes(UTF_8)).get(0).isDouble());
  }

  @Test
  void canonicalizeIsIdempotent() {
    byte[] once = PY.canonicalize("{\"b\":[1.50,\"\\u00E9\"],\"a\":{\"y\":-0,\"x\":1e-7}}".getBytes(UTF_8));
    assertArrayEquals(once, PY.canonicalize(once));
  }

  // ---- check

  @Test
  void checkReportsEachKindOfDifferenceWithItsOffset() {
    CheckResult r = PY.check("{\"b\":1, \"a\":[1.50, \"\\u00E9\",\"\\/\"], \"a\": 2}".getBytes(UTF_8));
    assertFalse(r.canonical());
    List<String> got = new ArrayList<>();
    r.findings().forEach(f -> got.add(f.code() + "@" + f.offset()));
    assertEquals(List.of("whitespace@5", "keys-not-sorted@8", "whitespace@12", "non-canonical-number@13",
        "non-canonical-escape@24", "whitespace@28", "non-canonical-escape@29", "duplicate-key@35"), got);
    assertEquals("number 1.50 at offset 13 is canonically 1.5", r.findings().get(3).message());
    assertEquals("key \"a\" at offset 8 sorts before the previous key \"b\"", r.findings().get(1).message());
  }

  @Test
  void checkAcceptsCanonicalInputAndFlagsTrailingWhitespace() {
    assertTrue(PY.check("{\"a\": [1, 2.5, \"\\u00e9\"]}".getBytes(UTF_8)).canonical());
    assertTrue(PY.check("{\"a\": [1, 2.5, \"\\u00e9\"]}".getBytes(UTF_8)).findings().isEmpty());
    CheckResult r = PY.check("[1]\n".getBytes(UTF_8));
    assertFalse(r.canonical());
    assertEquals("whitespace", r.findings().get(0).code());
    assertEquals(3, r.findings().get(0).offset());
    CheckResult rfc = RFC.check("[1.0,\"\\u00e9\"]".getBytes(UTF_8));
    assertEquals(List.of("non-canonical-number", "non-canonical-escape"),
        rfc.findings().stream().map(f -> f.code()).collect(java.util.stream.Collectors.toList()));
  }

  @Test
  void checkRefusesMalformedInputWithTheSameException() {
    JsonCanonicalException e = assertThrows(JsonCanonicalException.class, () -> PY.check("[1,".getBytes(UTF_8)));
    assertEquals("malformed", e.code());
  }

  @Test
  void nullArgumentsAreProgrammingErrors() {
    assertThrows(NullPointerException.class, () -> PY.canonicalize(null));
    assertThrows(NullPointerException.class, () -> PY.check(null));
    assertEquals("null", PY.writeString(null));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> PY.canonicalize(new byte[4], 2, 3));
    assertEquals("range [2, 2 + 3) is outside the 4-byte buffer", e.getMessage());
  }
}
