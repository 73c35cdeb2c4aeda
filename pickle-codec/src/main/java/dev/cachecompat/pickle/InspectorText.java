package dev.cachecompat.pickle;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/** Allocation-free text checks for the inspector: UTF-8 validation and raw-unicode-escape decoding. */
final class InspectorText {
  private InspectorText() {}

  static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
  static final long HIGH_BITS = 0x8080808080808080L;

  /**
   * Whether {@code b[s, e)} is all ASCII (so valid UTF-8), eight bytes at a time; a run shorter than eight bytes
   * is read as the last eight bytes before {@code e} with the bytes before {@code s} shifted out, so short strings
   * take no loop. Reads only inside {@code b}.
   */
  static boolean isAscii(byte[] b, int s, int e) {
    int n = e - s;
    if (n >= 8) {
      long acc = 0;
      int i = s;
      for (; i <= e - 8; i += 8) {
        acc |= (long) LONGS.get(b, i);
      }
      acc |= (long) LONGS.get(b, e - 8);
      return (acc & HIGH_BITS) == 0;
    }
    if (n <= 0) {
      return true;
    }
    if (e >= 8) {
      return (((long) LONGS.get(b, e - 8) >>> ((8 - n) << 3)) & HIGH_BITS) == 0;
    }
    for (int i = s; i < e; i++) {
      if (b[i] < 0) {
        return false;
      }
    }
    return true;
  }

  /**
   * The index of the first byte of a malformed UTF-8 sequence in {@code b[s, e)}, or -1 when it is all valid.
   *
   * @param surrogatePass accept encoded lone surrogates (ED A0 80 to ED BF BF), as CPython's pickle decodes with
   *     the "surrogatepass" handler
   */
  static int firstInvalidUtf8(byte[] b, int s, int e, boolean surrogatePass) {
    int i = s;
    while (i < e) {
      // ASCII runs eight bytes at a time
      while (i + 8 <= e && ((long) LONGS.get(b, i) & HIGH_BITS) == 0) {
        i += 8;
      }
      if (i >= e) {
        break;
      }
      int c = b[i];
      if (c >= 0) {
        i++;
        continue;
      }
      c &= 0xFF;
      int need;
      int lo = 0x80;
      int hi = 0xBF;
      if (c >= 0xC2 && c <= 0xDF) {
        need = 1;
      } else if (c == 0xE0) {
        need = 2;
        lo = 0xA0;
      } else if (c == 0xED) {
        need = 2;
        hi = surrogatePass ? 0xBF : 0x9F;
      } else if (c >= 0xE1 && c <= 0xEF) {
        need = 2;
      } else if (c == 0xF0) {
        need = 3;
        lo = 0x90;
      } else if (c >= 0xF1 && c <= 0xF3) {
        need = 3;
      } else if (c == 0xF4) {
        need = 3;
        hi = 0x8F;
      } else {
        return i;
      }
      if (i + need >= e) {
        return i;
      }
      int c1 = b[i + 1] & 0xFF;
      if (c1 < lo || c1 > hi) {
        return i;
      }
      for (int k = 2; k <= need; k++) {
        int ck = b[i + k] & 0xFF;
        if (ck < 0x80 || ck > 0xBF) {
          return i;
        }
      }
      i += need + 1;
    }
    return -1;
  }

  /**
   * Decodes raw-unicode-escape text already validated by the inspector: Latin-1 bytes, with {@code \}{@code uXXXX}
   * and {@code \}{@code UXXXXXXXX} escapes after an odd number of backslashes.
   */
  static String decodeRawUnicodeEscape(byte[] b, int s, int e) {
    StringBuilder sb = new StringBuilder(e - s);
    int i = s;
    while (i < e) {
      int c = b[i] & 0xFF;
      if (c != '\\') {
        sb.append((char) c);
        i++;
        continue;
      }
      int run = 0;
      while (i < e && b[i] == '\\') {
        run++;
        i++;
      }
      boolean escape = (run & 1) == 1 && i < e && (b[i] == 'u' || b[i] == 'U');
      for (int k = 0; k < (escape ? run - 1 : run); k++) {
        sb.append('\\');
      }
      if (escape) {
        int count = b[i] == 'u' ? 4 : 8;
        int cp = 0;
        for (int k = 1; k <= count && i + k < e; k++) {
          cp = cp * 16 + Character.digit(b[i + k], 16);
        }
        sb.appendCodePoint(cp);
        i += count + 1;
      }
    }
    return sb.toString();
  }
}
