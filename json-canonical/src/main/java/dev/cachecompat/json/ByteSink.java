package dev.cachecompat.json;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** A growable byte buffer the writer fills directly. Not thread-safe; one per write. */
final class ByteSink {
  byte[] buf;
  int len;
  /** Whether every byte written so far is ASCII, so the text can be decoded as Latin-1 cheaply. */
  boolean ascii = true;

  /** The most bytes this sink may hold. */
  private final long limit;

  ByteSink(int capacity) {
    this(capacity, Integer.MAX_VALUE - 8L);
  }

  ByteSink(int capacity, long limit) {
    this.limit = Math.min(limit, Integer.MAX_VALUE - 8L);
    buf = new byte[(int) Math.min(this.limit, Math.max(16, capacity))];
  }

  void ensure(long more) {
    long need = len + more;
    if (need > buf.length && need > limit) {
      throw new JsonCanonicalException("too-large", -1, "output would exceed the limit of " + limit
          + " bytes (8 times Limits.maxPayloadBytes, plus 4 KiB)");
    }
    if (need > buf.length) {
      int cap = (int) Math.min(limit, Math.max(need, buf.length * 2L));
      buf = Arrays.copyOf(buf, cap);
    }
  }

  /**
   * One byte; small enough for C1 to inline (35 bytes of bytecode at most: keep it so), with the growing out of
   * line.
   */
  void put(byte b) {
    int n = len;
    if (n >= buf.length) {
      putGrowing(b);
      return;
    }
    buf[n] = b;
    len = n + 1;
  }

  private void putGrowing(byte b) {
    ensure(1);
    buf[len++] = b;
  }

  /** A few bytes (separators, literals): copied by a loop, which beats arraycopy's call for so few. */
  void putShort(byte[] b) {
    int n = b.length;
    if (len + n > buf.length) {
      ensure(n);
    }
    byte[] a = buf;
    int p = len;
    for (int i = 0; i < n; i++) {
      a[p + i] = b[i];
    }
    len = p + n;
  }

  void putAscii(String s) {
    int n = s.length();
    ensure(n);
    for (int i = 0; i < n; i++) {
      buf[len++] = (byte) s.charAt(i);
    }
  }

  void put(byte[] b) {
    ensure(b.length);
    System.arraycopy(b, 0, buf, len, b.length);
    len += b.length;
  }

  byte[] toBytes() {
    return Arrays.copyOf(buf, len);
  }

  String asString() {
    return new String(buf, 0, len, ascii ? StandardCharsets.ISO_8859_1 : StandardCharsets.UTF_8);
  }
}
