package dev.cachecompat.pickle;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;

/** One call of an allowed global during decoding: its arguments, raw or resolved, and where it happened. */
final class Call {
  private final DecodeRun run;
  private final DecoderPass.GlobalRef global;
  private final String opcode;
  private final long offset;
  private final List<Object> raw;
  private DecoderPass.GlobalRef owner;

  Call(DecodeRun run, DecoderPass.GlobalRef global, String opcode, long offset, List<Object> raw) {
    this.run = run;
    this.global = global;
    this.opcode = opcode;
    this.offset = offset;
    this.raw = raw;
    this.owner = global;
  }

  String name() {
    return global.name();
  }

  DecodeRun run() {
    return run;
  }

  String opcode() {
    return opcode;
  }

  long offset() {
    return offset;
  }

  /** The global whose state setter BUILD must use for the result (the class, for copyreg helpers). */
  DecoderPass.GlobalRef owner() {
    return owner;
  }

  void owner(DecoderPass.GlobalRef owner) {
    this.owner = owner;
  }

  int size() {
    return raw.size();
  }

  void arity(int min, int max) {
    if (raw.size() < min || raw.size() > max) {
      throw fail(String.format("takes %s arguments, got %d",
          min == max ? String.valueOf(min) : min + " to " + max, raw.size()));
    }
  }

  Object raw(int i) {
    return raw.get(i);
  }

  /** An argument under the decoder's str policy. */
  Object value(int i) {
    return run.resolve(raw.get(i));
  }

  /** All arguments under the decoder's str policy, in a fresh list. */
  List<Object> values() {
    List<Object> out = new ArrayList<>(raw.size());
    for (Object o : raw) {
      out.add(run.resolve(o));
    }
    return out;
  }

  /** Bytes as Python meant them: bytes, a Python 2 str's own bytes, or text of code points up to U+00FF. */
  byte[] bytes(int i) {
    Object v = raw.get(i);
    if (v instanceof DecoderPass.RawStr s) {
      return s.bytes;
    }
    if (v instanceof byte[] b) {
      return b;
    }
    if (v instanceof String s) {
      byte[] b = new byte[s.length()];
      for (int k = 0; k < s.length(); k++) {
        char c = s.charAt(k);
        if (c > 0xFF) {
          throw fail(String.format("argument %d is text with U+%04X, not Latin-1 bytes", i + 1, (int) c));
        }
        b[k] = (byte) c;
      }
      return b;
    }
    throw fail("argument " + (i + 1) + " must be bytes, got " + DecoderPass.pythonType(v));
  }

  /** Text as Python meant it: a str, or a Python 2 str read as Latin-1 whatever the policy. */
  String text(int i) {
    Object v = raw.get(i);
    if (v instanceof String s) {
      return s;
    }
    if (v instanceof DecoderPass.RawStr s) {
      return DecoderPass.latin1(s.bytes);
    }
    throw fail("argument " + (i + 1) + " must be str, got " + DecoderPass.pythonType(v));
  }

  boolean isText(int i) {
    return raw.get(i) instanceof String || raw.get(i) instanceof DecoderPass.RawStr;
  }

  boolean isBytes(int i) {
    return raw.get(i) instanceof byte[] || raw.get(i) instanceof DecoderPass.RawStr;
  }

  BigInteger integer(int i) {
    Object v = raw.get(i);
    if (v instanceof Long l) {
      return BigInteger.valueOf(l);
    }
    if (v instanceof BigInteger b) {
      return b;
    }
    throw fail("argument " + (i + 1) + " must be int, got " + DecoderPass.pythonType(v));
  }

  int smallInt(int i) {
    BigInteger b = integer(i);
    if (b.bitLength() > 31) {
      throw fail("argument " + (i + 1) + " is out of range: " + b);
    }
    return b.intValue();
  }

  double real(int i) {
    Object v = raw.get(i);
    if (v instanceof Double d) {
      return d;
    }
    if (v instanceof Long l) {
      return l;
    }
    if (v instanceof BigInteger b) {
      return b.doubleValue();
    }
    throw fail("argument " + (i + 1) + " must be float, got " + DecoderPass.pythonType(v));
  }

  DecoderPass.GlobalRef global(int i) {
    Object v = raw.get(i);
    if (v instanceof DecoderPass.GlobalRef g) {
      return g;
    }
    throw fail("argument " + (i + 1) + " must be a class, got " + DecoderPass.pythonType(v));
  }

  PickleException fail(String message) {
    return new PickleException(dev.cachecompat.core.Verdict.MALFORMED, "decode-failed", offset,
        String.format("%s at offset %d: %s: %s", opcode, offset, name(), message));
  }
}
