package dev.cachecompat.pickle;

import dev.cachecompat.core.Verdict;
import java.io.ByteArrayInputStream;

/** The payload as Pyrolite's InputStream, with the position and bounds-checked reads the decoder needs. */
final class PickleInput extends ByteArrayInputStream {
  PickleInput(byte[] payload) {
    super(payload);
  }

  long position() {
    return pos;
  }

  byte[] buffer() {
    return buf;
  }

  int u8(String opcode, long offset) {
    need(1, opcode, offset);
    return buf[pos++] & 0xFF;
  }

  long uintLe(int width, String opcode, long offset) {
    need(width, opcode, offset);
    long v = 0;
    for (int k = width - 1; k >= 0; k--) {
      v = (v << 8) | (buf[pos + k] & 0xFF);
    }
    pos += width;
    return v;
  }

  int intLe4(String opcode, long offset) {
    return (int) uintLe(4, opcode, offset);
  }

  byte[] bytes(long n, String opcode, long offset) {
    if (n < 0 || n > count - pos) {
      throw new PickleException(Verdict.MALFORMED, "truncated", offset,
          String.format("%s at offset %d claims %d bytes but %d remain", opcode, offset, n, count - pos));
    }
    byte[] b = new byte[(int) n];
    System.arraycopy(buf, pos, b, 0, (int) n);
    pos += (int) n;
    return b;
  }

  /** The bytes up to the next newline, which is consumed; returns {start, end} indexes into the buffer. */
  int[] line(String opcode, long offset) {
    for (int i = pos; i < count; i++) {
      if (buf[i] == '\n') {
        int[] r = {pos, i};
        pos = i + 1;
        return r;
      }
    }
    throw new PickleException(Verdict.MALFORMED, "truncated", offset,
        String.format("%s at offset %d has no terminating newline", opcode, offset));
  }

  String ascii(int[] line) {
    return new String(buf, line[0], line[1] - line[0], java.nio.charset.StandardCharsets.ISO_8859_1);
  }

  private void need(int n, String opcode, long offset) {
    if (count - pos < n) {
      throw new PickleException(Verdict.MALFORMED, "truncated", offset,
          String.format("%s at offset %d needs %d bytes but %d remain", opcode, offset, n, count - pos));
    }
  }
}
