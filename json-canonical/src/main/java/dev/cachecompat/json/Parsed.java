package dev.cachecompat.json;

import java.util.Arrays;

/**
 * The reader's own light tree for {@code canonicalize}: no hash maps, no node objects, objects sorted (and
 * de-duplicated, last wins) once when they close, so the writer copies them straight out. Scalars are
 * {@link Ascii} (most string values), {@code String}, {@code Boolean}, {@code null},
 * {@code Integer}/{@code Long}/{@code BigInteger} and {@code Double}.
 */
final class Parsed {
  private Parsed() {}

  /** An object: keys, values and the input offset of each key; sorted once complete. */
  static final class Members {
    String[] keys = new String[16];
    Object[] vals = new Object[16];
    int[] offsets = new int[16];
    int n;
    /** Whether some key has a char at or above U+D800, where UTF-16 and code-point order can differ. */
    boolean highKeys;

    void add(String key, Object val, int offset) {
      if (n == keys.length) {
        keys = Arrays.copyOf(keys, n * 2);
        vals = Arrays.copyOf(vals, n * 2);
        offsets = Arrays.copyOf(offsets, n * 2);
      }
      keys[n] = key;
      vals[n] = val;
      offsets[n++] = offset;
    }
  }

  /**
   * A string value whose input bytes are all printable ASCII (0x20 to 0x7E) with no quote or backslash: every
   * style writes such a string as those same bytes, so the tree keeps where they are in the input instead of a
   * {@code String}, and the writer copies them. Keys stay {@code String}s: they are compared when sorted.
   */
  static final class Ascii {
    final byte[] src;
    final int off;
    final int len;

    Ascii(byte[] src, int off, int len) {
      this.src = src;
      this.off = off;
      this.len = len;
    }
  }

  /** An array. */
  static final class Elements {
    Object[] vals = new Object[8];
    int n;

    void add(Object val) {
      if (n == vals.length) {
        vals = Arrays.copyOf(vals, n * 2);
      }
      vals[n++] = val;
    }
  }
}
