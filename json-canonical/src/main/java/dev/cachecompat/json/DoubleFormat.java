package dev.cachecompat.json;

import com.fasterxml.jackson.core.io.schubfach.DoubleToDecimal;
import java.math.BigDecimal;

/**
 * Shortest round-trip decimal digits of a double (jackson-core's Schubfach), rendered as Python's
 * {@code float.__repr__} or as ECMAScript's {@code Number.prototype.toString}. Both pick the fewest digits
 * that read back as the same double and, among those, the closest; Java's {@code Double.toString}
 * contract differs only where one digit would do but Java prints the closest two ({@code 4.9E-324}), which
 * {@link #decompose} corrects. Not thread-safe: holds a scratch digit buffer.
 */
final class DoubleFormat {
  /** The significant digits, ASCII, no leading or trailing zeros. */
  final byte[] digits = new byte[24];
  /** How many digits. */
  int k;
  /** The decimal exponent: value = 0.d1d2...dk times 10^n. */
  int n;

  /**
   * Sets {@link #digits}, {@link #k} and {@link #n} for a finite, non-zero, positive double.
   */
  void decompose(double v) {
    String s = DoubleToDecimal.toString(v);
    int count = 0;
    int point = -1;
    int exp = 0;
    int len = s.length();
    for (int i = 0; i < len; i++) {
      char c = s.charAt(i);
      if (c == '.') {
        point = count;
      } else if (c == 'E') {
        boolean neg = false;
        int j = i + 1;
        if (s.charAt(j) == '-') {
          neg = true;
          j++;
        }
        for (; j < len; j++) {
          exp = exp * 10 + (s.charAt(j) - '0');
        }
        if (neg) {
          exp = -exp;
        }
        break;
      } else {
        digits[count++] = (byte) c;
      }
    }
    if (point < 0) {
      point = count;
    }
    int e = point + exp;
    int start = 0;
    while (start < count - 1 && digits[start] == '0') {
      start++;
      e--;
    }
    if (start > 0) {
      System.arraycopy(digits, start, digits, 0, count - start);
      count -= start;
    }
    while (count > 1 && digits[count - 1] == '0') {
      count--;
    }
    k = count;
    n = e;
    if (k == 2 && v < Double.MIN_NORMAL) {
      shortenSubnormal(v);
    }
  }

  /**
   * Java prints at least two digits; Python and ECMAScript print one when one round-trips. That can only
   * happen for subnormals, whose few bits make one-digit neighbours land on the same double.
   */
  private void shortenSubnormal(double v) {
    int d1 = digits[0] - '0';
    int exp = n - 1;
    boolean lowOk = d1 > 0 && Double.parseDouble(d1 + "E" + exp) == v;
    boolean highOk = Double.parseDouble((d1 + 1) + "E" + exp) == v;
    int pick;
    if (lowOk && highOk) {
      BigDecimal exact = new BigDecimal(v);
      BigDecimal low = new BigDecimal(d1 + "E" + exp);
      BigDecimal high = new BigDecimal((d1 + 1) + "E" + exp);
      int c = exact.subtract(low).compareTo(high.subtract(exact));
      pick = c < 0 || (c == 0 && d1 % 2 == 0) ? d1 : d1 + 1;
    } else if (lowOk) {
      pick = d1;
    } else if (highOk) {
      pick = d1 + 1;
    } else {
      return;
    }
    if (pick == 10) {
      digits[0] = '1';
      n++;
    } else {
      digits[0] = (byte) ('0' + pick);
    }
    k = 1;
  }

  /** Writes Python's {@code repr(v)} for a finite double. */
  void writePython(double v, ByteSink out) {
    writePython(v, out, true);
  }

  /**
   * Writes Python's {@code repr(v)} for a finite double; {@code exact} false skips {@link #exactPython}, for
   * the tests that hold it to the general path.
   */
  void writePython(double v, ByteSink out, boolean exact) {
    out.ensure(32);
    byte[] b = out.buf;
    int p = out.len;
    if (v == 0) {
      if (Double.doubleToRawLongBits(v) != 0) {
        b[p++] = '-';
      }
      b[p++] = '0';
      b[p++] = '.';
      b[p++] = '0';
      out.len = p;
      return;
    }
    if (v < 0) {
      b[p++] = '-';
      v = -v;
    }
    int q = exact ? exactPython(v, b, p) : -1;
    if (q >= 0) {
      out.len = q;
      return;
    }
    decompose(v);
    if (n <= -4 || n > 16) {
      p = mantissaAndExponent(b, p, true);
    } else if (n <= 0) {
      b[p++] = '0';
      b[p++] = '.';
      for (int i = n; i < 0; i++) {
        b[p++] = '0';
      }
      System.arraycopy(digits, 0, b, p, k);
      p += k;
    } else if (n < k) {
      System.arraycopy(digits, 0, b, p, n);
      p += n;
      b[p++] = '.';
      System.arraycopy(digits, n, b, p, k - n);
      p += k - n;
    } else {
      System.arraycopy(digits, 0, b, p, k);
      p += k;
      for (int i = k; i < n; i++) {
        b[p++] = '0';
      }
      b[p++] = '.';
      b[p++] = '0';
    }
    out.len = p;
  }

  /** 5 to the power i, for i up to 22. */
  private static final long[] POW5 = new long[23];
  /** The largest odd mantissa m for which m times 5^i stays below 2^52. */
  private static final long[] MAX_MANTISSA = new long[23];

  static {
    long f = 1;
    for (int i = 0; i < POW5.length; i++) {
      POW5[i] = f;
      MAX_MANTISSA[i] = ((1L << 52) - 1) / f;
      f *= 5;
    }
  }

  /**
   * Python's {@code repr} of a positive finite double whose exact value is a decimal M times 10^-f with M below
   * 2^52 (the common money-like and halved values: 12345.5, 0.25, 1024.0) written at {@code b[p]} with no call to
   * Schubfach; returns the position after it, or -1 (nothing written) for every other double. Such a decimal is
   * the shortest that reads back: the double's spacing there is below 10^-f, and any decimal with fewer significant
   * digits is at least 10^-f away; and being exact it is the closest of its length.
   */
  static int exactPython(double v, byte[] b, int p) {
    long bits = Double.doubleToRawLongBits(v);
    int biased = (int) (bits >>> 52) & 0x7ff;
    if (biased == 0 || biased == 0x7ff) {
      return -1; // zero, subnormal or not finite: the general path
    }
    long m = (bits & ((1L << 52) - 1)) | (1L << 52);
    int tz = Long.numberOfTrailingZeros(m);
    m >>>= tz;
    int e2 = biased - 1075 + tz; // v = m * 2^e2, m odd
    long big;
    int f;
    if (e2 >= 0) {
      if (e2 > 52 || m > ((1L << 52) - 1) >>> e2) {
        return -1;
      }
      big = m << e2;
      f = 0;
    } else {
      f = -e2; // v = m * 5^f / 10^f
      if (f >= POW5.length || m > MAX_MANTISSA[f]) {
        return -1;
      }
      big = m * POW5[f];
    }
    int count = Digits.count(big);
    int whole = count - f;
    if (whole <= -3) {
      return -1; // below 0.001 repr may use an exponent: the general path decides
    }
    if (f == 0) {
      Digits.write(b, p + count, big);
      p += count;
      b[p++] = '.';
      b[p++] = '0';
      return p;
    }
    if (whole <= 0) {
      b[p++] = '0';
      b[p++] = '.';
      for (int i = whole; i < 0; i++) {
        b[p++] = '0';
      }
      Digits.write(b, p + count, big);
      return p + count;
    }
    // the digits, then the fraction's f of them one place right to make room for the point
    int point = p + whole;
    Digits.write(b, p + count, big);
    for (int i = p + count; i > point; i--) {
      b[i] = b[i - 1];
    }
    b[point] = '.';
    return p + count + 1;
  }

  /** Writes ECMAScript's {@code Number.prototype.toString(v)} for a finite double ({@code 0} for -0). */
  void writeEcma(double v, ByteSink out) {
    out.ensure(32);
    byte[] b = out.buf;
    int p = out.len;
    if (v == 0) {
      b[p++] = '0';
      out.len = p;
      return;
    }
    if (v < 0) {
      b[p++] = '-';
      v = -v;
    }
    decompose(v);
    if (k <= n && n <= 21) {
      System.arraycopy(digits, 0, b, p, k);
      p += k;
      for (int i = k; i < n; i++) {
        b[p++] = '0';
      }
    } else if (0 < n && n <= 21) {
      System.arraycopy(digits, 0, b, p, n);
      p += n;
      b[p++] = '.';
      System.arraycopy(digits, n, b, p, k - n);
      p += k - n;
    } else if (-6 < n && n <= 0) {
      b[p++] = '0';
      b[p++] = '.';
      for (int i = n; i < 0; i++) {
        b[p++] = '0';
      }
      System.arraycopy(digits, 0, b, p, k);
      p += k;
    } else {
      p = mantissaAndExponent(b, p, false);
    }
    out.len = p;
  }

  private int mantissaAndExponent(byte[] b, int p, boolean twoDigitExponent) {
    b[p++] = digits[0];
    if (k > 1) {
      b[p++] = '.';
      System.arraycopy(digits, 1, b, p, k - 1);
      p += k - 1;
    }
    b[p++] = 'e';
    int e = n - 1;
    if (e < 0) {
      b[p++] = '-';
      e = -e;
    } else {
      b[p++] = '+';
    }
    if (e >= 100) {
      b[p++] = (byte) ('0' + e / 100);
      b[p++] = (byte) ('0' + e / 10 % 10);
    } else if (e >= 10 || twoDigitExponent) {
      b[p++] = (byte) ('0' + e / 10);
    }
    b[p++] = (byte) ('0' + e % 10);
    return p;
  }
}
