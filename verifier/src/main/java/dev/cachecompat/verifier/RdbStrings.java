package dev.cachecompat.verifier;

import com.moilioncircle.redis.replicator.io.RedisInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * RDB string objects (keys and string values) read with every declared length checked before anything is
 * allocated: against what is left of the file, and against a limit. redis-replicator's own reader allocates the
 * declared length first, so a hostile or cut file could ask it for gigabytes (or, with a 64-bit length, silently
 * truncate it to an int and misread the rest); these are the only strings the scan reads itself, every other
 * value is skipped on the stream by redis-replicator's skip visitor.
 *
 * <p>The encodings are Redis's {@code rdb.c}: a length in 6, 14, 32 or 64 bits (big-endian), or an integer
 * (8, 16 or 32 bits, little-endian) written as its decimal text, or LZF-compressed bytes.
 */
final class RdbStrings {
  private RdbStrings() {}

  /** A string read, or only measured when it was over the limit and skipped: then {@code bytes} is null. */
  record Value(byte[] bytes, long length) {}

  /**
   * Reads the next string object of {@code in}, a stream over a file of {@code fileSize} bytes from its start.
   *
   * @param limit the most bytes the string may have
   * @param skipOver whether a string over the limit is skipped (its length returned) rather than refused
   * @param what what the string is, for messages ("key", "value")
   * @throws SourceException "truncated" when a length reaches past the end of the file, "over-limit" when a string
   *     over the limit is not to be skipped, "malformed" for an unknown encoding or bad LZF data
   */
  static Value read(RedisInputStream in, long fileSize, long limit, boolean skipOver, String what)
      throws IOException {
    long at = position(in);
    int first = readByte(in);
    int type = (first & 0xC0) >>> 6;
    if (type == 3) {
      int encoding = first & 0x3F;
      switch (encoding) {
        case 0:
          return text(readByte(in) << 24 >> 24);
        case 1:
          return text((short) (readByte(in) | readByte(in) << 8));
        case 2:
          return text(readByte(in) | readByte(in) << 8 | readByte(in) << 16 | readByte(in) << 24);
        case 3:
          return lzf(in, fileSize, limit, skipOver, what, at);
        default:
          throw new SourceException("malformed", at, "unknown string encoding " + encoding + " of a " + what
              + " at offset " + at);
      }
    }
    long length = length(in, first, at);
    checkLeft(in, fileSize, length, what, at);
    if (length > limit) {
      return skipOver(in, length, length, limit, skipOver, what, at);
    }
    return new Value(bytes(in, (int) length), length);
  }

  /** The rest of a length whose first byte was {@code first} (not an encoded string). */
  private static long length(RedisInputStream in, int first, long at) throws IOException {
    int type = (first & 0xC0) >>> 6;
    if (type == 0) {
      return first & 0x3F;
    }
    if (type == 1) {
      return (first & 0x3F) << 8 | readByte(in);
    }
    if (first == 0x80 || first == 0x81) {
      long n = 0;
      for (int i = first == 0x80 ? 4 : 8; i > 0; i--) {
        n = n << 8 | readByte(in); // big-endian
      }
      if (n < 0) {
        throw new SourceException("malformed", at, "a length of " + Long.toUnsignedString(n)
            + " bytes at offset " + at + " is past any file");
      }
      return n;
    }
    throw new SourceException("malformed", at, "unknown length encoding 0x" + Integer.toHexString(first)
        + " at offset " + at);
  }

  private static Value lzf(RedisInputStream in, long fileSize, long limit, boolean skipOver, String what, long at)
      throws IOException {
    long compressed = length(in, readByte(in), at);
    long length = length(in, readByte(in), at);
    checkLeft(in, fileSize, compressed, what, at);
    if (length > limit) {
      return skipOver(in, compressed, length, limit, skipOver, what, at);
    }
    byte[] packed = bytes(in, (int) compressed);
    byte[] out = new byte[(int) length];
    int n = unpack(packed, out);
    if (n != out.length) {
      throw new SourceException("malformed", at, "the LZF " + what + " at offset " + at + " declares "
          + length + " bytes but holds " + (n < 0 ? "a back-reference outside them" : n + ""));
    }
    return new Value(out, length);
  }

  /**
   * LZF decompression (liblzf's format, which Redis writes): a control byte under 32 starts a run of that many
   * plus one literal bytes, any other a back-reference of (control >> 5) + 2 bytes (7 means a length byte
   * follows) at a distance of its low 5 bits and the next byte, plus one. Returns the bytes written, or -1 when
   * the data runs past the input or the output or refers before its start.
   */
  static int unpack(byte[] in, byte[] out) {
    int ip = 0;
    int op = 0;
    while (ip < in.length) {
      int ctrl = in[ip++] & 0xFF;
      if (ctrl < 32) {
        int run = ctrl + 1;
        if (ip + run > in.length || op + run > out.length) {
          return -1;
        }
        System.arraycopy(in, ip, out, op, run);
        ip += run;
        op += run;
        continue;
      }
      int len = ctrl >>> 5;
      if (len == 7) {
        if (ip >= in.length) {
          return -1;
        }
        len += in[ip++] & 0xFF;
      }
      if (ip >= in.length) {
        return -1;
      }
      int ref = op - ((ctrl & 0x1F) << 8) - (in[ip++] & 0xFF) - 1;
      len += 2;
      if (ref < 0 || op + len > out.length) {
        return -1;
      }
      for (int i = 0; i < len; i++) {
        out[op++] = out[ref++]; // byte by byte: a reference may overlap what it writes
      }
    }
    return op;
  }

  private static void checkLeft(RedisInputStream in, long fileSize, long length, String what, long at) {
    long left = fileSize - position(in);
    if (length > left) {
      throw new SourceException("truncated", at, "a " + what + " of " + length + " bytes at offset "
          + at + " reaches past the end of the file (" + Math.max(0, left) + " bytes left)");
    }
  }

  /** A string of {@code length} bytes over the limit, {@code stored} in the file: skipped, or refused. */
  private static Value skipOver(RedisInputStream in, long stored, long length, long limit, boolean skipOver,
      String what, long at) throws IOException {
    if (!skipOver) {
      throw new SourceException("over-limit", at, "a " + what + " of " + length + " bytes at offset " + at
          + " is over the limit of " + limit + " bytes");
    }
    skip(in, stored);
    return new Value(null, length);
  }

  /** The offset in the file of the next byte {@code in} gives (its count of bytes read less what it buffers). */
  static long position(RedisInputStream in) {
    return in.total() - (in.tail() - in.head());
  }

  private static Value text(int n) {
    byte[] b = Integer.toString(n).getBytes(StandardCharsets.US_ASCII);
    return new Value(b, b.length);
  }

  private static int readByte(RedisInputStream in) throws IOException {
    int b = in.read();
    if (b < 0) {
      throw new EOFException("end of file inside a string");
    }
    return b;
  }

  private static byte[] bytes(RedisInputStream in, int n) throws IOException {
    byte[] b = new byte[n];
    int off = 0;
    while (off < n) {
      int r = in.read(b, off, n - off);
      if (r < 0) {
        throw new EOFException("end of file inside a string");
      }
      off += r;
    }
    return b;
  }

  private static void skip(RedisInputStream in, long n) throws IOException {
    long left = n;
    while (left > 0) {
      long s = in.skip(left);
      if (s <= 0) {
        if (in.read() < 0) {
          throw new EOFException("end of file inside a string");
        }
        s = 1;
      }
      left -= s;
    }
  }
}
