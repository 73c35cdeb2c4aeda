package dev.cachecompat.json;

import java.util.Comparator;

/** The two key orders: Unicode code points (Python) and UTF-16 code units (RFC 8785). */
final class KeyOrder {
  private KeyOrder() {}

  /** UTF-16 code-unit order: {@link String#compareTo}. */
  static final Comparator<String> UTF16 = String::compareTo;

  /**
   * Code-point order, as Python compares {@code str}. Equal to UTF-16 order unless the first difference
   * involves a surrogate, so it only decodes code points there; lone surrogates count as their own code point,
   * as in Python. Allocates nothing.
   */
  static final Comparator<String> CODE_POINT = KeyOrder::compareCodePoints;

  static int compareCodePoints(String a, String b) {
    int n = Math.min(a.length(), b.length());
    for (int i = 0; i < n; i++) {
      char x = a.charAt(i);
      char y = b.charAt(i);
      if (x != y) {
        if (x < Character.MIN_SURROGATE && y < Character.MIN_SURROGATE) {
          return x - y;
        }
        if (i > 0 && Character.isHighSurrogate(a.charAt(i - 1))) {
          int ca = codePointForward(a, i - 1);
          int cb = codePointForward(b, i - 1);
          if (ca != cb) {
            return Integer.compare(ca, cb);
          }
        }
        return Integer.compare(codePointForward(a, i), codePointForward(b, i));
      }
    }
    return a.length() - b.length();
  }

  private static int codePointForward(String s, int i) {
    char c = s.charAt(i);
    if (Character.isHighSurrogate(c) && i + 1 < s.length()) {
      char d = s.charAt(i + 1);
      if (Character.isLowSurrogate(d)) {
        return Character.toCodePoint(c, d);
      }
    }
    return c;
  }

  /**
   * Sorts keys and their values together (stable merge sort; insertion sort for short runs), first checking
   * whether they already are sorted, as they are when re-writing canonical data.
   */
  static void sort(String[] keys, Object[] vals, int n, Comparator<String> order) {
    sort(keys, vals, null, n, order);
  }

  /** As {@link #sort(String[], Object[], int, Comparator)}, also permuting {@code aux} when not null. */
  static void sort(String[] keys, Object[] vals, int[] aux, int n, Comparator<String> order) {
    boolean sorted = true;
    for (int i = 1; i < n; i++) {
      if (order.compare(keys[i - 1], keys[i]) > 0) {
        sorted = false;
        break;
      }
    }
    if (sorted) {
      return;
    }
    if (n <= 24) {
      insertion(keys, vals, aux, 0, n, order);
      return;
    }
    String[] tk = new String[n];
    Object[] tv = new Object[n];
    int[] ta = aux == null ? null : new int[n];
    mergeSort(keys, vals, aux, tk, tv, ta, 0, n, order);
  }

  private static void insertion(
      String[] keys, Object[] vals, int[] aux, int from, int to, Comparator<String> order) {
    for (int i = from + 1; i < to; i++) {
      String k = keys[i];
      Object v = vals[i];
      int a = aux == null ? 0 : aux[i];
      int j = i - 1;
      while (j >= from && order.compare(keys[j], k) > 0) {
        keys[j + 1] = keys[j];
        vals[j + 1] = vals[j];
        if (aux != null) {
          aux[j + 1] = aux[j];
        }
        j--;
      }
      keys[j + 1] = k;
      vals[j + 1] = v;
      if (aux != null) {
        aux[j + 1] = a;
      }
    }
  }

  private static void mergeSort(String[] keys, Object[] vals, int[] aux, String[] tk, Object[] tv, int[] ta,
      int from, int to, Comparator<String> order) {
    if (to - from <= 24) {
      insertion(keys, vals, aux, from, to, order);
      return;
    }
    int mid = (from + to) >>> 1;
    mergeSort(keys, vals, aux, tk, tv, ta, from, mid, order);
    mergeSort(keys, vals, aux, tk, tv, ta, mid, to, order);
    if (order.compare(keys[mid - 1], keys[mid]) <= 0) {
      return;
    }
    System.arraycopy(keys, from, tk, from, to - from);
    System.arraycopy(vals, from, tv, from, to - from);
    if (aux != null) {
      System.arraycopy(aux, from, ta, from, to - from);
    }
    int i = from;
    int j = mid;
    int o = from;
    while (o < to) {
      int pick = i < mid && (j >= to || order.compare(tk[j], tk[i]) >= 0) ? i++ : j++;
      keys[o] = tk[pick];
      vals[o] = tv[pick];
      if (aux != null) {
        aux[o] = ta[pick];
      }
      o++;
    }
  }
}
