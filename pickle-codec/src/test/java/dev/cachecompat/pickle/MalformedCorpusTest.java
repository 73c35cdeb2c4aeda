package dev.cachecompat.pickle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cachecompat.core.Finding;
import dev.cachecompat.core.Severity;
import dev.cachecompat.core.Verdict;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every malformed pickle of CPython's own unpickler tests (3.13 and 2.7 pickletester), as extracted and confirmed
 * rejected by the real C unpickler in scripts/gen-malformed-pickles.py, is refused by the inspector.
 */
class MalformedCorpusTest {
  private static final Set<String> GLOBAL_CODES = Set.of("dangerous-global", "unknown-global", "unresolved-global");

  record Case(String file, String source, String cpythonError, String expect, byte[] data) {
    @Override
    public String toString() {
      return file + " (" + source + ", CPython: " + cpythonError + ")";
    }
  }

  static List<Case> corpus() {
    List<Case> cases = new ArrayList<>();
    for (String line : resource("/malformed/index.tsv").split("\n")) {
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      String[] f = line.split("\t", -1);
      byte[] data = bytes("/malformed/" + f[0]);
      assertEquals(f[4], HexFormat.of().formatHex(data), "index hex matches " + f[0]);
      cases.add(new Case(f[0], f[1], f[2], f[3], data));
    }
    return cases;
  }

  static Stream<Arguments> cases() {
    return corpus().stream().map(Arguments::of);
  }

  @Test
  void corpusHoldsEveryFamilyOfCpythonTests() {
    List<Case> all = corpus();
    assertTrue(all.size() > 200, "cases: " + all.size());
    for (String t : List.of("test_bad_stack", "test_bad_mark", "test_truncated_data", "test_badly_quoted_string",
        "test_badly_escaped_string", "test_negative_put", "test_bad_ext_code", "test_misc_get",
        "test_negative_32b_binput", "test_large_32b_binbytes8")) {
      assertTrue(all.stream().anyMatch(c -> c.source().endsWith(":" + t)), t);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void refusesWhatCpythonRefuses(Case c) {
    PickleReport r = PickleInspector.defaults().inspect(c.data());
    Finding first = r.firstError();
    assertNotNull(first, "no error finding for " + c);
    assertTrue(first.message().contains("offset") || first.message().contains("empty"), first.message());
    if (c.expect().equals("malformed")) {
      assertTrue(r.verdict() == Verdict.MALFORMED || r.verdict() == Verdict.OVER_LIMIT,
          c + " gave " + r.verdict() + ": " + r.findings());
    } else {
      assertTrue(r.verdict() == Verdict.MALFORMED || r.verdict() == Verdict.UNSAFE,
          c + " gave " + r.verdict() + ": " + r.findings());
      if (r.verdict() == Verdict.UNSAFE) {
        assertTrue(r.findings().stream().anyMatch(f -> GLOBAL_CODES.contains(f.code())), r.findings().toString());
      }
    }
    assertTrue(r.findings().stream().allMatch(f -> f.severity() != Severity.INFO), r.findings().toString());
  }

  @Test
  void exactMessagesForImportantCases() {
    assertFirst("bad_stack", "\\x30", "stack-underflow", "POP at offset 0 needs 1 stack item but finds 0");
    assertFirst("bad_stack", "28 32", "stack-underflow", "DUP at offset 1 needs 1 stack item but finds 0 above the MARK");
    assertFirst("bad_mark", "4e 28 2e", "mark-misuse",
        "STOP at offset 2 finds the MARK pushed before stack item 1 still open");
    assertFirst("truncated", "58 03 00 00 00 61 62", "truncated", "BINUNICODE at offset 0 claims 3 bytes but 2 remain");
    assertFirst("truncated", "4a 00 00 00", "truncated", "BININT at offset 0 needs 4 argument bytes but 3 remain");
    assertFirst("truncated", "49 30", "truncated", "INT at offset 0 has no newline-terminated argument (1 byte remains)");
    assertFirst("truncated", "", "missing-stop", "pickle is empty: no opcode, no STOP");
    assertFirst("truncated", "4e", "missing-stop", "pickle ends at offset 1 without STOP");
    assertFirst("quoted", "53 27 20 0a 2e", "bad-string-literal",
        "STRING at offset 0 has an argument that is not quoted: '\\' '");
    assertFirst("escaped", "53 27 5c 27 0a 2e", "bad-string-literal",
        "STRING at offset 0 ends with a lone backslash: '\\'\\\\\\''");
    assertFirst("put", "56 61 0a 70 2d 31 0a 2e", "negative-put", "PUT at offset 3 has a negative memo index '-1'");
    assertFirst("get", "67 30 0a 70 30", "memo-missing", "GET at offset 0 reads memo index 0, which was never PUT");
    assertFirst("ext", "82 01 2e", "ext-unsupported",
        "EXT1 at offset 0 uses extension code 1 but no extension registry is configured");
    assertFirst("binunicode8", "80 04 8d 04 00 00 00 01 00 00 00 e2 82 ac 00 2e", "truncated",
        "BINUNICODE8 at offset 2 claims 4294967300 bytes but 5 remain");
    assertFirst("setitems", "7d 28 4e 75", "odd-items", "SETITEMS at offset 3 has an odd number of items (1) after the MARK");
    assertFirst("reduce", "4e 29 52 2e", "type-mismatch", "REDUCE at offset 2 calls None, not a global or an object");
  }

  private static void assertFirst(String what, String hex, String code, String message) {
    byte[] data = HexFormat.of().parseHex(hex.replace("\\x", "").replace(" ", ""));
    PickleReport r = PickleInspector.defaults().inspect(data);
    Finding f = r.firstError();
    assertNotNull(f, what + ": " + r);
    assertEquals(code, f.code(), what + ": " + f.message());
    assertEquals(message, f.message(), what);
    assertEquals(Verdict.MALFORMED, r.verdict(), what);
  }

  static String resource(String name) {
    return new String(bytes(name), StandardCharsets.UTF_8);
  }

  static byte[] bytes(String name) {
    try (InputStream in = MalformedCorpusTest.class.getResourceAsStream(name)) {
      assertNotNull(in, "missing test resource " + name);
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
