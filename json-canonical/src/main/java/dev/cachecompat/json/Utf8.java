package dev.cachecompat.json;

/**
 * Strict UTF-8 validation (RFC 3629): jackson-core accepts overlong forms such as {@code C0 80} and sequences
 * above U+10FFFF, which Python's decoder refuses, so input is checked here first.
 */
final class Utf8 {
  private Utf8() {}

  /** Throws {@code invalid-utf8} at the first bad byte of {@code b[from, to)}; offsets are absolute. */
  static void validate(byte[] b, int from, int to) {
    int i = from;
    while (i < to) {
      // ASCII runs are the common case.
      if (b[i] >= 0) {
        i++;
        continue;
      }
      int c = b[i] & 0xff;
      int need;
      int min;
      if (c >= 0xc2 && c <= 0xdf) {
        need = 1;
        min = 0x80;
      } else if (c >= 0xe0 && c <= 0xef) {
        need = 2;
        min = 0x800;
      } else if (c >= 0xf0 && c <= 0xf4) {
        need = 3;
        min = 0x10000;
      } else {
        throw bad(i, String.format("byte 0x%02x at offset %d cannot start a UTF-8 sequence", c, i));
      }
      if (i + need >= to) {
        throw bad(i, String.format("UTF-8 sequence starting 0x%02x at offset %d is truncated", c, i));
      }
      int cp = c & (0x3f >> need);
      for (int j = 1; j <= need; j++) {
        int d = b[i + j] & 0xff;
        if ((d & 0xc0) != 0x80) {
          throw bad(i + j, String.format(
              "byte 0x%02x at offset %d is not a continuation of the UTF-8 sequence at offset %d", d, i + j, i));
        }
        cp = (cp << 6) | (d & 0x3f);
      }
      if (cp < min) {
        throw bad(i, String.format("overlong UTF-8 encoding of U+%04X at offset %d", cp, i));
      }
      if (cp > 0x10ffff) {
        throw bad(i, String.format("UTF-8 sequence at offset %d encodes U+%X, beyond U+10FFFF", i, cp));
      }
      if (cp >= 0xd800 && cp <= 0xdfff) {
        throw bad(i, String.format("UTF-8 sequence at offset %d encodes the surrogate U+%04X", i, cp));
      }
      i += need + 1;
    }
  }

  private static JsonCanonicalException bad(long offset, String message) {
    return new JsonCanonicalException("invalid-utf8", offset, message);
  }
}
