package dev.cachecompat.json;

/**
 * Decimal digits of non-negative longs, written into byte arrays without a division per digit. Below 2^31 two
 * digits at a time come from one multiply-and-shift (x / 100 for any x below 2^32) and a table; above it, long
 * divisions by 100 bring the value down first. The scan runs under C1, which calls the runtime for every long
 * division: three per digit in the plain loop (docs/performance.md).
 */
final class Digits {
  /** "00", "01", ... "99": the two digits of each value below 100. */
  private static final byte[] PAIRS = new byte[200];
  private static final long[] POW10 = new long[19];

  static {
    for (int i = 0; i < 100; i++) {
      PAIRS[2 * i] = (byte) ('0' + i / 10);
      PAIRS[2 * i + 1] = (byte) ('0' + i % 10);
    }
    long p = 1;
    for (int i = 0; i < POW10.length; i++) {
      POW10[i] = p;
      p *= 10;
    }
  }

  private Digits() {}

  /** How many decimal digits {@code v} (not negative) has: 1 for 0. */
  static int count(long v) {
    if (v < 100_000) {
      return v < 10 ? 1 : v < 100 ? 2 : v < 1000 ? 3 : v < 10_000 ? 4 : 5;
    }
    int n = 6;
    while (n < 19 && v >= POW10[n]) {
      n++;
    }
    return n;
  }

  /**
   * Writes the {@link #count} digits of {@code v} (not negative) so that the last one is at {@code b[end - 1]}.
   */
  static void write(byte[] b, int end, long v) {
    int q = end;
    while (v > Integer.MAX_VALUE) {
      long hi = v / 100;
      int r = (int) (v - hi * 100);
      b[--q] = PAIRS[2 * r + 1];
      b[--q] = PAIRS[2 * r];
      v = hi;
    }
    int x = (int) v;
    while (x >= 100) {
      int hi = (int) ((x * 1374389535L) >>> 37); // x / 100, exact for every x below 2^32
      int r = x - hi * 100;
      b[--q] = PAIRS[2 * r + 1];
      b[--q] = PAIRS[2 * r];
      x = hi;
    }
    if (x >= 10) {
      b[--q] = PAIRS[2 * x + 1];
      b[--q] = PAIRS[2 * x];
    } else {
      b[--q] = (byte) ('0' + x);
    }
  }
}
