package dev.cachecompat.namespace;

import dev.cachecompat.core.Limits;
import dev.cachecompat.core.PythonVersion;
import java.util.Arrays;

/**
 * The hot path for the commonest Redis value of all, a {@code byte[]} (an application's own serialized blob),
 * which Django's RedisSerializer pickles: the exact bytes CPython's {@code pickle.dumps(b, protocol)} writes for a
 * bytes object at protocols 3 to 5, and their exact inverse, without setting up the general encoder and decoder.
 *
 * <pre>
 *   protocol 3:    PROTO 3                 SHORT_BINBYTES n data | BINBYTES n32 data   BINPUT 0  STOP
 *   protocol 4, 5: PROTO p  FRAME len64    SHORT_BINBYTES n data | BINBYTES n32 data   MEMOIZE   STOP
 * </pre>
 *
 * Only values up to {@link #MAX_BYTES} take it (larger ones CPython writes outside the frame). {@link #decode}
 * recognizes exactly that shape and nothing else: any other payload, one the namespace's readers could not load,
 * or one near a {@link Limits} bound is left to the full inspector and decoder (null), so the hot path can only
 * ever return what the full path would. {@code BytesPickleTest} checks both directions against
 * {@code PickleEncoder} (itself pinned to CPython's output) and {@code PickleDecoder}.
 */
final class BytesPickle {
  /** The largest value written and read here: well inside CPython's 64 KiB frame target. */
  static final int MAX_BYTES = 32 * 1024;

  private static final byte PROTO = (byte) 0x80;
  private static final byte FRAME = (byte) 0x95;
  private static final byte SHORT_BINBYTES = 'C';
  private static final byte BINBYTES = 'B';
  private static final byte BINPUT = 'q';
  private static final byte MEMOIZE = (byte) 0x94;
  private static final byte STOP = '.';

  private BytesPickle() {}

  /**
   * {@code pickle.dumps(data, protocol)}, or null when this class does not cover it (protocol below 3, a value
   * over {@link #MAX_BYTES}, or a pickle the limits would refuse: the general encoder then decides).
   */
  static byte[] encode(byte[] data, int protocol, Limits limits) {
    int n = data.length;
    if (protocol < 3 || protocol > 5 || n > MAX_BYTES || n > limits.maxStringBytes()) {
      return null;
    }
    int header = n < 256 ? 2 : 5;
    int body = header + n + (protocol == 3 ? 2 : 1) + 1; // opcode and length, data, memo, STOP
    int size = 2 + (protocol >= 4 ? 9 : 0) + body;
    if (size > limits.maxPayloadBytes()) {
      return null;
    }
    byte[] out = new byte[size];
    int p = 0;
    out[p++] = PROTO;
    out[p++] = (byte) protocol;
    if (protocol >= 4) {
      out[p++] = FRAME;
      p = putLe(out, p, body, 8);
    }
    if (n < 256) {
      out[p++] = SHORT_BINBYTES;
      out[p++] = (byte) n;
    } else {
      out[p++] = BINBYTES;
      p = putLe(out, p, n, 4);
    }
    System.arraycopy(data, 0, out, p, n);
    p += n;
    if (protocol == 3) {
      out[p++] = BINPUT;
      out[p++] = 0;
    } else {
      out[p++] = MEMOIZE;
    }
    out[p] = STOP;
    return out;
  }

  /**
   * The bytes of a payload of exactly the shape {@link #encode} writes, when {@code readers} load its protocol
   * and the limits leave room; null otherwise (the caller then runs the full inspector and decoder).
   */
  static byte[] decode(byte[] payload, PythonVersion readers, Limits limits) {
    int len = payload.length;
    if (len < 6 || payload[0] != PROTO || len > limits.maxPayloadBytes() || limits.maxDepth() < 2
        || limits.maxMemoEntries() < 2 || limits.maxObjects() < 2 || limits.maxExpandedSize() < 2) {
      return null;
    }
    int protocol = payload[1];
    PythonVersion needs;
    if (protocol == 3) {
      needs = PythonVersion.PY3_0;
    } else if (protocol == 4) {
      needs = PythonVersion.PY3_4;
    } else if (protocol == 5) {
      needs = PythonVersion.PY3_8;
    } else {
      return null;
    }
    if (!readers.atLeast(needs)) {
      return null;
    }
    int p = 2;
    if (protocol >= 4) {
      if (len < 11 || payload[2] != FRAME || getLe(payload, 3, 8) != len - 11) {
        return null;
      }
      p = 11;
    }
    if (p >= len) {
      return null;
    }
    long n;
    if (payload[p] == SHORT_BINBYTES && p + 1 < len) {
      n = payload[p + 1] & 0xFF;
      p += 2;
    } else if (payload[p] == BINBYTES && p + 4 < len) {
      n = getLe(payload, p + 1, 4);
      p += 5;
    } else {
      return null;
    }
    int tail = protocol == 3 ? 3 : 2;
    if (n > MAX_BYTES || n > limits.maxStringBytes() || p + n + tail != len) {
      return null;
    }
    int end = p + (int) n;
    boolean memo = protocol == 3 ? payload[end] == BINPUT && payload[end + 1] == 0 : payload[end] == MEMOIZE;
    if (!memo || payload[len - 1] != STOP) {
      return null;
    }
    return Arrays.copyOfRange(payload, p, end);
  }

  private static int putLe(byte[] out, int p, long v, int width) {
    for (int i = 0; i < width; i++) {
      out[p++] = (byte) (v >>> (8 * i));
    }
    return p;
  }

  /** Little-endian unsigned; a 64-bit value with the top bit set reads as negative and never matches. */
  private static long getLe(byte[] in, int p, int width) {
    long v = 0;
    for (int i = 0; i < width; i++) {
      v |= (long) (in[p + i] & 0xFF) << (8 * i);
    }
    return v;
  }
}
