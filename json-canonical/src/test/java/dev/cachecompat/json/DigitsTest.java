package dev.cachecompat.json;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** {@link Digits} held to {@link Long#toString(long)}, and the integers the writer makes with it. */
class DigitsTest {
  private static void sameAsLongToString(long v) {
    byte[] b = new byte[24];
    int n = Digits.count(v);
    b[0] = 'x';
    b[n + 1] = 'y';
    Digits.write(b, n + 1, v);
    assertEquals("x" + v + "y", new String(b, 0, n + 2, StandardCharsets.US_ASCII), () -> "digits of " + v);
  }

  @Test
  void everyValueBelowAMillionIsWrittenAsLongToStringWritesIt() {
    for (long v = 0; v < 1_000_000; v++) {
      sameAsLongToString(v);
    }
  }

  @Test
  void powersOfTenAndTheWordBoundariesAreWrittenExactly() {
    for (long p = 1; p > 0 && p <= Long.MAX_VALUE / 10 * 10; p *= 10) {
      for (long d = -2; d <= 2; d++) {
        if (p + d >= 0) {
          sameAsLongToString(p + d);
        }
      }
      if (p > Long.MAX_VALUE / 10) {
        break;
      }
    }
    for (long edge : new long[] {Integer.MAX_VALUE, 1L << 31, 1L << 32, (1L << 32) - 1, Long.MAX_VALUE}) {
      for (long d = -300; d <= 300; d++) {
        long v = edge + d;
        if (v >= 0 && (d <= 0 || edge != Long.MAX_VALUE)) {
          sameAsLongToString(v);
        }
      }
    }
  }

  @Test
  void randomValuesOfEveryLengthAreWrittenExactly() {
    SplittableRandom random = new SplittableRandom(20261122);
    for (int i = 0; i < 1_000_000; i++) {
      int bits = 1 + random.nextInt(63);
      sameAsLongToString(random.nextLong() >>> (64 - bits));
    }
  }

  @Test
  void theWriterWritesNegativeAndExtremeIntegersAsPythonDoes() {
    for (long v : new long[] {0, -1, 7, -10, 99, -100, 123456789, -2147483648L, 2147483648L, Long.MIN_VALUE,
        Long.MAX_VALUE, -Long.MAX_VALUE}) {
      byte[] json = CanonicalJson.python().canonicalize(Long.toString(v).getBytes(StandardCharsets.US_ASCII));
      assertEquals(Long.toString(v), new String(json, StandardCharsets.US_ASCII), () -> "integer " + v);
    }
  }
}
