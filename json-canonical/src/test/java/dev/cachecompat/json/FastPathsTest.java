package dev.cachecompat.json;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The writer's fast routines held to the general ones they shortcut: {@link DoubleFormat#exactPython} to the
 * Schubfach path over random and exactly-decimal doubles, {@link CanonicalWriter#asciiString} to {@link
 * CanonicalWriter#string} over random byte strings heavy in control bytes, quotes, backslashes and DEL.
 */
class FastPathsTest {
  private static final List<CanonicalJson> STYLES = List.of(CanonicalJson.python(),
      CanonicalJson.builder().ensureAscii(false).build(), CanonicalJson.builder().compact(false).build(),
      CanonicalJson.rfc8785());

  private static String python(double v, boolean exact) {
    ByteSink out = new ByteSink(8);
    new DoubleFormat().writePython(v, out, exact);
    return new String(out.buf, 0, out.len, StandardCharsets.US_ASCII);
  }

  private static void sameRepr(double v) {
    assertEquals(python(v, false), python(v, true), () -> "repr of " + v + " (bits " + Long.toHexString(
        Double.doubleToRawLongBits(v)) + ")");
  }

  @Test
  void exactDecimalsTakeTheFastPath() {
    byte[] b = new byte[32];
    for (double v : new double[] {12345.5, 0.5, 0.25, 1024.0, 1.0, 4503599627370495.0, 0.001953125}) {
      int end = DoubleFormat.exactPython(v, b, 0);
      assertTrue(end > 0, () -> v + " not on the fast path");
      assertEquals(python(v, false), new String(b, 0, end, StandardCharsets.US_ASCII));
    }
    for (double v : new double[] {0.1, 4503599627370496.0, 1e300, Double.MIN_VALUE, 0.0009765625, 1e-7}) {
      assertEquals(-1, DoubleFormat.exactPython(v, b, 0), () -> v + " on the fast path");
    }
  }

  @Test
  void exactPathWritesWhatSchubfachWrites() {
    SplittableRandom r = new SplittableRandom(20261122);
    for (int i = 0; i < 200_000; i++) {
      long k = r.nextLong(1, 1L << r.nextInt(1, 60));
      double v = Math.scalb((double) k, -r.nextInt(0, 70)); // exactly-binary values around the fast path's edges
      sameRepr(v);
      sameRepr(-v);
      sameRepr(r.nextInt(0, 2_000_000) * 0.5);
      sameRepr(r.nextInt(0, 100_000_000) / 100.0);
      sameRepr(Double.longBitsToDouble(r.nextLong()));
      sameRepr(r.nextLong(1L << 54));
    }
    for (int e = 0; e <= 60; e++) {
      for (long d = -3; d <= 3; d++) {
        sameRepr((double) ((1L << e) + d));
        sameRepr(Math.scalb(1.0, -e) + d);
      }
    }
    for (double v : new double[] {0.001, 0.0001, 0.00048828125, 1e16, 1e15, 9007199254740993.0, Double.MAX_VALUE,
        Double.MIN_NORMAL, Double.MIN_VALUE, -0.0, 0.0}) {
      sameRepr(v);
    }
  }

  @Test
  void asciiStringWritesWhatStringWrites() {
    SplittableRandom r = new SplittableRandom(7);
    byte[] special = {0, 1, 8, 9, 10, 12, 13, 0x1f, 0x20, '"', '\\', '/', 0x7e, 0x7f};
    for (CanonicalJson style : STYLES) {
      for (int c = 0; c < 0x80; c++) { // every ASCII byte alone, and between letters
        sameString(style, new byte[] {(byte) c}, 0, 1);
        sameString(style, new byte[] {'a', (byte) c, 'b'}, 0, 3);
      }
      for (int c = 0x80; c < 0x100; c++) {
        refused(style, new byte[] {'a', 'b', (byte) c, 'c'});
      }
      for (int i = 0; i < 20_000; i++) {
        byte[] b = new byte[r.nextInt(0, 60)];
        for (int j = 0; j < b.length; j++) {
          int pick = r.nextInt(4);
          b[j] = pick == 0 ? special[r.nextInt(special.length)] : (byte) (pick == 1 ? r.nextInt(0x80) : 'a' + r.nextInt(26));
        }
        int from = b.length == 0 ? 0 : r.nextInt(b.length);
        sameString(style, b, from, b.length - from);
        if (b.length > 0) {
          b[r.nextInt(b.length)] = (byte) r.nextInt(0x80, 0x100);
          refused(style, b);
        }
      }
    }
  }

  private static void sameString(CanonicalJson style, byte[] b, int from, int n) {
    ByteSink expected = style.newSink(4);
    expected.put((byte) 'x');
    new CanonicalWriter(style, expected).string(new String(b, from, n, StandardCharsets.ISO_8859_1));
    ByteSink actual = style.newSink(4);
    actual.put((byte) 'x');
    assertTrue(new CanonicalWriter(style, actual).asciiString(b, from, n));
    assertArrayEquals(expected.toBytes(), actual.toBytes(), () -> style + " " + Arrays.toString(b));
  }

  private static void refused(CanonicalJson style, byte[] b) {
    ByteSink actual = style.newSink(4);
    actual.put((byte) 'x');
    assertFalse(new CanonicalWriter(style, actual).asciiString(b, 0, b.length));
    assertEquals(1, actual.len);
  }

  /**
   * String values the reader keeps as views of printable-ASCII input ({@link Parsed.Ascii}) come out as the
   * {@code String} path writes them: canonicalize(bytes) against writeBytes(parse(bytes)), whose tree has
   * {@code String}s, over documents whose strings mix printable ASCII with escaped quotes and backslashes, DEL,
   * control characters, {@code \\u} escapes and non-ASCII text, as values at the top, in arrays and in objects.
   */
  @Test
  void printableAsciiValuesFromTheInputComeOutAsStringsDo() {
    SplittableRandom r = new SplittableRandom(11);
    String[] pieces = {"a", "Z", " ", "~", "/", "\\\"", "\\\\", "\u007f", "\\u007f", "\\n", "\\u0001", "\\u00e9",
        "\u00e9", "\u0141ukasz", "\ud83d\ude00", "\\ud83d\\ude00", "0123456789", "{}[],:"};
    for (CanonicalJson style : STYLES) {
      for (int i = 0; i < 3_000; i++) {
        StringBuilder doc = new StringBuilder();
        int shape = r.nextInt(3);
        int n = 1 + r.nextInt(6);
        doc.append(shape == 0 ? "" : shape == 1 ? "[" : "{");
        for (int k = 0; k < (shape == 0 ? 1 : n); k++) {
          if (k > 0) {
            doc.append(", ");
          }
          if (shape == 2) {
            doc.append("\"k").append(k).append("\": ");
          }
          doc.append('"');
          for (int j = r.nextInt(0, 5); j > 0; j--) {
            doc.append(pieces[r.nextInt(pieces.length)]);
          }
          doc.append('"');
        }
        doc.append(shape == 0 ? "" : shape == 1 ? "]" : "}");
        byte[] json = doc.toString().getBytes(StandardCharsets.UTF_8);
        byte[] viaStrings = style.writeBytes(style.parse(json));
        assertArrayEquals(viaStrings, style.canonicalize(json),
            () -> style + " " + new String(json, StandardCharsets.UTF_8));
      }
    }
  }
}
