package dev.cachecompat.pickle;

import com.fasterxml.jackson.core.io.schubfach.DoubleToDecimal;

/**
 * Python's {@code repr(float)}: the shortest digits that round-trip (Schubfach, as jackson-core ships it; Java
 * 17's own {@code Double.toString} is not always shortest, e.g. {@code 1.0E23}), laid out as CPython's
 * {@code float_repr_style='short'} does: positional for exponents -4 to 16, else {@code d.ddde+XX}.
 */
final class EncoderFloats {
  private EncoderFloats() {}

  static String repr(double d) {
    if (Double.isNaN(d)) {
      return "nan";
    }
    if (Double.isInfinite(d)) {
      return d > 0 ? "inf" : "-inf";
    }
    String java = DoubleToDecimal.toString(d);
    boolean negative = java.charAt(0) == '-';
    int start = negative ? 1 : 0;
    int e = java.indexOf('E');
    int exp = e < 0 ? 0 : Integer.parseInt(java.substring(e + 1));
    String mantissa = java.substring(start, e < 0 ? java.length() : e);
    int dot = mantissa.indexOf('.');
    String digits = dot < 0 ? mantissa : mantissa.substring(0, dot) + mantissa.substring(dot + 1);
    // value = 0.digits * 10^decpt
    int decpt = (dot < 0 ? mantissa.length() : dot) + exp;
    int lead = 0;
    while (lead < digits.length() - 1 && digits.charAt(lead) == '0') {
      lead++;
      decpt--;
    }
    int end = digits.length();
    while (end > lead + 1 && digits.charAt(end - 1) == '0') {
      end--;
    }
    digits = digits.substring(lead, end);
    StringBuilder b = new StringBuilder(32);
    if (negative) {
      b.append('-');
    }
    if (digits.equals("0")) {
      return b.append("0.0").toString();
    }
    if (digits.length() == 2) {
      // Java prints at least two digits (4.9E-324) where one may round-trip (5e-324): take the nearer of the
      // one-digit neighbours that do, as Python's shortest repr does
      String one = oneDigit(Math.abs(d), digits, decpt);
      if (one != null) {
        if (one.length() == 2) {
          decpt++;
          one = one.substring(0, 1);
        }
        digits = one;
      }
    }
    int n = digits.length();
    if (decpt > -4 && decpt <= 16) {
      if (decpt <= 0) {
        b.append("0.");
        for (int i = decpt; i < 0; i++) {
          b.append('0');
        }
        b.append(digits);
      } else if (decpt >= n) {
        b.append(digits);
        for (int i = n; i < decpt; i++) {
          b.append('0');
        }
        b.append(".0");
      } else {
        b.append(digits, 0, decpt).append('.').append(digits, decpt, n);
      }
      return b.toString();
    }
    b.append(digits.charAt(0));
    if (n > 1) {
      b.append('.').append(digits, 1, n);
    }
    int x = decpt - 1;
    b.append('e').append(x < 0 ? '-' : '+');
    int ax = Math.abs(x);
    if (ax < 10) {
      b.append('0');
    }
    return b.append(ax).toString();
  }

  /** The one-digit decimal nearest to d that reads back as d ("10" meaning 1 at the next power), or null. */
  private static String oneDigit(double d, String digits, int decpt) {
    int first = digits.charAt(0) - '0';
    java.math.BigDecimal exact = new java.math.BigDecimal(d);
    String best = null;
    java.math.BigDecimal bestDistance = null;
    for (int c = first; c <= first + 1; c++) {
      java.math.BigDecimal candidate = new java.math.BigDecimal(java.math.BigInteger.valueOf(c), 1 - decpt);
      if (candidate.doubleValue() != d) {
        continue;
      }
      java.math.BigDecimal distance = candidate.subtract(exact).abs();
      if (best == null || distance.compareTo(bestDistance) < 0) {
        best = Integer.toString(c);
        bestDistance = distance;
      }
    }
    return best;
  }
}
