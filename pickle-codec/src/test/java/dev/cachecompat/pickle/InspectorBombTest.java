package dev.cachecompat.pickle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cachecompat.core.Verdict;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Resource bombs are refused quickly under the default limits. Surefire runs this class alone in a JVM with
 * {@code -Xmx64m} (execution {@code bombs-64m} in pickle-codec/pom.xml); the first test checks that it does.
 */
@Timeout(value = 5, unit = TimeUnit.SECONDS)
class InspectorBombTest {
  private static final PickleInspector INSPECTOR = PickleInspector.defaults();

  @BeforeAll
  static void runsUnderA64MibHeap() {
    long max = Runtime.getRuntime().maxMemory();
    assertTrue(max <= 72L << 20, "expected -Xmx64m from the bombs-64m surefire execution, max heap is " + max);
  }

  private static byte[] b(String s) {
    return s.getBytes(StandardCharsets.ISO_8859_1);
  }

  private static byte[] repeat(String unit, int times, String head, String tail) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(b(head));
    byte[] u = b(unit);
    for (int i = 0; i < times; i++) {
      out.writeBytes(u);
    }
    out.writeBytes(b(tail));
    return out.toByteArray();
  }

  private static void assertRefused(byte[] payload, Verdict verdict, String code, String message) {
    PickleReport r = INSPECTOR.inspect(payload);
    assertEquals(verdict, r.verdict(), r.findings().toString());
    assertEquals(code, r.firstError().code(), r.firstError().message());
    if (message != null) {
      assertEquals(message, r.firstError().message());
    }
  }

  @Test
  void binbytes8Claiming2To40Bytes() {
    assertRefused(b("\u0080\u0004\u008e\u0000\u0000\u0000\u0000\u0000\u0001\u0000\u0000abc."), Verdict.MALFORMED,
        "truncated", "BINBYTES8 at offset 2 claims 1099511627776 bytes but 4 remain");
  }

  @Test
  void binunicode8Claiming2To40Bytes() {
    assertRefused(b("\u0080\u0004\u008d\u0000\u0000\u0000\u0000\u0000\u0001\u0000\u0000abc."), Verdict.MALFORMED,
        "truncated", "BINUNICODE8 at offset 2 claims 1099511627776 bytes but 4 remain");
  }

  @Test
  void binbytes8ClaimingMoreThanALong() {
    assertRefused(b("\u0080\u0004\u008e\u00ff\u00ff\u00ff\u00ff\u00ff\u00ff\u00ff\u00ff."), Verdict.MALFORMED,
        "truncated", "BINBYTES8 at offset 2 claims 18446744073709551615 bytes but 1 remains");
  }

  @Test
  void binbytesClaiming4GiB() {
    assertRefused(b("B\u00ff\u00ff\u00ff\u00ff"), Verdict.MALFORMED, "truncated",
        "BINBYTES at offset 0 claims 4294967295 bytes but 0 remain");
  }

  @Test
  void aMillionMarks() {
    assertRefused(repeat("(", 1_000_000, "", ""), Verdict.OVER_LIMIT, "too-deep",
        "MARK at offset 1000 opens mark 1001 but the nesting limit is 1000");
  }

  @Test
  void deeplyNestedListsThroughMarks() {
    byte[] payload = repeat("(]", 1_000_000, "]", "");
    assertRefused(payload, Verdict.OVER_LIMIT, "too-deep", null);
  }

  @Test
  void deeplyNestedListsWithoutMarks() {
    byte[] payload = repeat("a", 1_000_000, new String(repeat("]", 1_000_000, "", ""), StandardCharsets.ISO_8859_1),
        ".");
    assertRefused(payload, Verdict.OVER_LIMIT, "too-deep", null);
  }

  @Test
  void billionLaughsThroughTheMemo() {
    // level 0: a list of 10 ints; level k: a list of 10 references to level k-1; 9 levels: 10^9 elements.
    StringBuilder sb = new StringBuilder("\u0080\u0002]q\u0000(");
    sb.append("K\u0001".repeat(10)).append("e0");
    for (int level = 1; level <= 9; level++) {
      sb.append("]q").append((char) level).append('(');
      sb.append(("h" + (char) (level - 1)).repeat(10)).append("e");
      if (level < 9) {
        sb.append('0');
      }
    }
    sb.append('.');
    PickleReport r = INSPECTOR.inspect(b(sb.toString()));
    assertEquals(Verdict.OVER_LIMIT, r.verdict(), r.findings().toString());
    assertEquals("expanded-size-over-limit", r.firstError().code());
    assertTrue(r.firstError().message().endsWith(
        "builds a value of more than 10000000 elements once shared references are expanded"),
        r.firstError().message());
  }

  @Test
  void hundredThousandDigitInt() {
    assertRefused(repeat("9", 100_000, "I", "\n."), Verdict.OVER_LIMIT, "int-too-long",
        "INT at offset 0 has 100000 digits but the limit is 4300");
    assertRefused(repeat("9", 100_000, "L", "L\n."), Verdict.OVER_LIMIT, "int-too-long", null);
  }

  @Test
  void hugeMemoIndexes() {
    assertRefused(b("Nr\u00ff\u00ff\u00ff\u007f."), Verdict.OVER_LIMIT, "too-many-memo-entries", null);
    assertRefused(b("Np99999999999999999999\n."), Verdict.OVER_LIMIT, "too-many-memo-entries", null);
    assertRefused(b("j\u00ff\u00ff\u00ff\u00ff."), Verdict.MALFORMED, "memo-missing", null);
  }

  @Test
  void long4Claiming2To31Bytes() {
    assertRefused(b("\u0080\u0002\u008b\u0000\u0000\u0000\u0080."), Verdict.MALFORMED, "bad-length", null);
    assertRefused(b("\u0080\u0002\u008b\u00ff\u00ff\u00ff\u007f."), Verdict.MALFORMED, "truncated",
        "LONG4 at offset 2 claims 2147483647 bytes but 1 remains");
  }

  @Test
  void aMillionEmptyTuplesOnTheStack() {
    assertRefused(repeat(")", 1_000_000, "", "."), Verdict.MALFORMED, "bad-stop-stack", null);
  }
}
