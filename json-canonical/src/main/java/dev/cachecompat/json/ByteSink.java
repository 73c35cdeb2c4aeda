package dev.cachecompat.json;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** A growable byte buffer the writer fills directly. Not thread-safe; one per write. */
final class ByteSink {
  byte[] buf;
  int len;
  /** Whether every byte written so far is ASCII, so the text can be decoded as Latin-1 cheaply. */
  boolean ascii = true;

  ByteSink(int capacity) {
    buf = new byte[Math.max(16, capacity)];
  }

  void ensure(long more) {
    long need = len + more;
    if (need > Integer.MAX_VALUE - 8L) {
      throw new JsonCanonicalException("too-large", -1, "output would exceed 2 GiB");
    }
    if (need > buf.length) {
      int cap = (int) Math.min(Integer.MAX_VALUE - 8L, Math.max(need, buf.length * 2L));
      buf = Arrays.copyOf(buf, cap);
    }
  }

  void put(byte b) {
    ensure(1);
    buf[len++] = b;
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
