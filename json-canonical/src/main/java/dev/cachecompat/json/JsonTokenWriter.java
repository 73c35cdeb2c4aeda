package dev.cachecompat.json;

import dev.cachecompat.core.Checks;
import java.io.IOException;
import java.io.OutputStream;
import java.math.BigInteger;

/**
 * Writes JSON one token at a time in the style of one {@link CanonicalJson}, into a growable buffer of its own:
 * for code that walks an object graph of its own and must produce exactly the bytes {@link
 * CanonicalJson#writeBytes(Object)} writes for the equivalent tree, without building that tree. Tokens are
 * written as that method writes them (string escapes, number forms, separators); the writer checks nesting
 * against {@link dev.cachecompat.core.Limits#maxDepth()} and the total size against the same cap, with the same
 * errors. It does not check the JSON grammar: the caller writes separators and writes an object's members in
 * {@link #compareKeys key order}, each key once.
 *
 * <p>Get one from {@link CanonicalJson#tokenWriter()}. Not thread-safe; reusable after {@link #reset()}. Every
 * method throws {@link JsonCanonicalException} for a token with no JSON form in the style ({@code too-deep},
 * {@code too-large}, {@code lone-surrogate}, {@code non-finite-number}), and {@link NullPointerException} for a
 * null argument.
 */
public final class JsonTokenWriter {
  private static final byte[] NULL = {'n', 'u', 'l', 'l'};
  private static final byte[] TRUE = {'t', 'r', 'u', 'e'};
  private static final byte[] FALSE = {'f', 'a', 'l', 's', 'e'};
  private final CanonicalJson cfg;
  private final ByteSink out;
  private final CanonicalWriter w;
  private final int maxDepth;
  private final boolean codePoints;
  /** Whether the separators are one byte each (compact style), else they are followed by a space. */
  private final boolean compact;
  private int depth;

  JsonTokenWriter(CanonicalJson cfg) {
    this.cfg = cfg;
    this.out = cfg.newSink(256);
    this.w = new CanonicalWriter(cfg, out);
    this.maxDepth = cfg.limits().maxDepth();
    this.codePoints = cfg.style() == JsonStyle.PYTHON;
    this.compact = w.itemSeparator.length == 1 && w.keySeparator.length == 1;
  }

  /** Writes {@code null}. */
  public void nullValue() {
    out.putShort(NULL);
  }

  /**
   * Writes {@code true} or {@code false}.
   *
   * @param b the value
   */
  public void value(boolean b) {
    out.putShort(b ? TRUE : FALSE);
  }

  /**
   * Writes an integer (a double in RFC 8785).
   *
   * @param v the value
   */
  public void value(long v) {
    w.integer(v);
  }

  /**
   * Writes an integer of any size (a double in RFC 8785).
   *
   * @param v the value
   */
  public void value(BigInteger v) {
    w.bigInteger(Checks.requireNonNull(v, "v"));
  }

  /**
   * Writes a double: Python's {@code repr}, or ECMAScript's form in RFC 8785.
   *
   * @param v the value; NaN and infinities only where the style allows them
   */
  public void value(double v) {
    w.floating(v);
  }

  /**
   * Writes a string (a value or an object key), quoted and escaped.
   *
   * @param s the string
   */
  public void value(String s) {
    w.string(Checks.requireNonNull(s, "s"));
  }

  /**
   * Writes a string given as ASCII bytes (a value or an object key), quoted and escaped exactly as {@link
   * #value(String)} writes the string of the same chars; for callers that hold text as bytes (e.g. a pickle's
   * UTF-8) and would otherwise make a {@link String} only to write it. Nothing is written when a byte is not
   * ASCII (0x80 or above): the caller then decodes the bytes itself and uses {@link #value(String)}.
   *
   * @param b the bytes
   * @param from the first byte's index
   * @param length how many bytes
   * @return whether the string was written (every byte ASCII)
   * @throws IndexOutOfBoundsException if the range is not inside {@code b}
   */
  public boolean asciiString(byte[] b, int from, int length) {
    if ((from | length) < 0 || length > b.length - from) {
      throw outOfRange(b, from, length);
    }
    return w.asciiString(b, from, length);
  }

  /**
   * Writes bytes that are already JSON text in this writer's style, as they are: for a caller that writes the same
   * fragment often (a fixed key and its separator, say, taken once from this writer's own output) or text it knows
   * needs no escaping (a quoted date). The bytes are not checked and count no nesting: the caller answers for them
   * being complete tokens of this style, opening no container they do not close.
   *
   * @param b the bytes
   * @param from the first byte's index
   * @param length how many bytes
   * @throws IndexOutOfBoundsException if the range is not inside {@code b}
   */
  public void verbatim(byte[] b, int from, int length) {
    if ((from | length) < 0 || length > b.length - from) {
      throw outOfRange(b, from, length);
    }
    ByteSink o = out;
    if (o.len + length > o.buf.length) {
      o.ensure(length);
    }
    System.arraycopy(b, from, o.buf, o.len, length);
    o.len += length;
  }

  /** Out of line, so that the methods that check a range stay small enough for C1 to inline. */
  private static RuntimeException outOfRange(byte[] b, int from, int length) {
    return new IndexOutOfBoundsException("range [" + from + ", " + from + " + " + length
        + ") out of bounds for length " + b.length);
  }

  /** Writes an object's opening brace, counting one level of nesting. */
  public void beginObject() {
    begin((byte) '{');
  }

  /** Writes an object's closing brace. */
  public void endObject() {
    end((byte) '}');
  }

  /** Writes an array's opening bracket, counting one level of nesting. */
  public void beginArray() {
    begin((byte) '[');
  }

  /** Writes an array's closing bracket. */
  public void endArray() {
    end((byte) ']');
  }

  /** Writes the separator between array items or object members ({@code ","} or {@code ", "}). */
  public void itemSeparator() {
    // small enough for C1 to inline (35 bytes of bytecode at most), as are ByteSink.put, begin and end
    out.put((byte) ',');
    if (!compact) {
      out.put((byte) ' ');
    }
  }

  /** Writes the separator between a key and its value ({@code ":"} or {@code ": "}). */
  public void keySeparator() {
    out.put((byte) ':');
    if (!compact) {
      out.put((byte) ' ');
    }
  }

  /**
   * Compares object keys in the style's order: Unicode code points (Python) or UTF-16 code units (RFC 8785).
   * The two differ only where a surrogate is involved.
   *
   * @param a a key
   * @param b another key
   * @return negative, zero or positive as {@code a} sorts before, with or after {@code b}
   */
  public int compareKeys(String a, String b) {
    return codePoints ? KeyOrder.compareCodePoints(a, b) : a.compareTo(b);
  }

  /**
   * How many bytes are written.
   *
   * @return the length
   */
  public int size() {
    return out.len;
  }

  /**
   * A copy of the bytes written.
   *
   * @return the UTF-8 bytes
   */
  public byte[] toBytes() {
    return out.toBytes();
  }

  /**
   * Writes the bytes written so far to {@code target}, which is neither flushed nor closed.
   *
   * @param target where they go
   * @throws IOException if {@code target} fails
   */
  public void writeTo(OutputStream target) throws IOException {
    Checks.requireNonNull(target, "target").write(out.buf, 0, out.len);
  }

  /** Forgets everything written, keeping the buffer, to write another value. */
  public void reset() {
    out.len = 0;
    out.ascii = true;
    depth = 0;
  }

  @Override
  public String toString() {
    return "JsonTokenWriter{" + cfg + ", " + out.len + " bytes}";
  }

  private void begin(byte bracket) {
    int d = depth + 1;
    if (d > maxDepth) {
      throw tooDeep();
    }
    depth = d;
    out.put(bracket);
  }

  private RuntimeException tooDeep() {
    return CanonicalWriter.tooDeep(maxDepth);
  }

  private void end(byte bracket) {
    depth--;
    out.put(bracket);
  }
}
