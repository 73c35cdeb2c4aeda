package dev.cachecompat.verifier;

import dev.cachecompat.json.JsonTokenWriter;
import java.nio.charset.StandardCharsets;

/**
 * Writes the leaves of a pickle's JSON view ({@code docs/pickle-json-view.md}) straight from the pickle's bytes:
 * str, float, bytes and naive datetime, and checks what they need (strict UTF-8, Latin-1 text, a datetime's state).
 * Shared by {@link PickleViewPass} and {@link PickleShapes}, so that both write a leaf byte for byte alike. A check
 * that fails returns false (or -1) and writes nothing: the caller leaves the pickle to the classic path. Not
 * thread-safe; one per writer.
 */
final class PickleViewLeaves {
  private static final byte[] B64 =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] TUPLE_TAG = "$tuple".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] BYTES_TAG = "$bytes".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] DATETIME_TAG = "$datetime".getBytes(StandardCharsets.US_ASCII);
  /** "00" to "99": two digits at a time for the datetime. */
  private static final byte[] DIGITS2 = new byte[200];

  static {
    for (int i = 0; i < 100; i++) {
      DIGITS2[2 * i] = (byte) ('0' + i / 10);
      DIGITS2[2 * i + 1] = (byte) ('0' + i % 10);
    }
  }

  private final JsonTokenWriter out;
  /** The tags with their key separator ({@code "$tuple":}), as this style writes them: written verbatim. */
  final byte[] tupleKey;
  private final byte[] bytesKey;
  private final byte[] datetimeKey;
  private byte[] scratch = new byte[64];
  /** What {@link #latin1} decoded. */
  byte[] latin1 = new byte[64];
  /** What {@link #datetimeState} read: yyyymmdd as a number, hhmmss, microseconds. */
  int date;
  int time;
  int micros;

  PickleViewLeaves(JsonTokenWriter out) {
    this.out = out;
    this.tupleKey = key(out, TUPLE_TAG);
    this.bytesKey = key(out, BYTES_TAG);
    this.datetimeKey = key(out, DATETIME_TAG);
  }

  private static byte[] key(JsonTokenWriter w, byte[] tag) {
    w.reset();
    w.asciiString(tag, 0, tag.length);
    w.keySeparator();
    byte[] k = w.toBytes();
    w.reset();
    return k;
  }

  /**
   * Writes the UTF-8 text b[from..from+n) as a JSON string; false (and nothing written) when the JDK's strict
   * decoder refuses it (or it holds a real U+FFFD).
   */
  boolean string(byte[] b, int from, int n) {
    if (!out.asciiString(b, from, n)) {
      String s = new String(b, from, n, StandardCharsets.UTF_8);
      if (s.indexOf('\uFFFD') >= 0) {
        return false;
      }
      out.value(s);
    }
    return true;
  }

  void floating(double d) {
    if (Double.isNaN(d)) {
      tagged("$float", "nan");
    } else if (Double.isInfinite(d)) {
      tagged("$float", d > 0 ? "inf" : "-inf");
    } else {
      out.value(d);
    }
  }

  /** {"tag": "text"}: a one-key tagged object of the view. */
  void tagged(String tag, String text) {
    out.beginObject();
    out.value(tag);
    out.keySeparator();
    out.value(text);
    out.endObject();
  }

  /**
   * Decodes the UTF-8 text b[from..from+n) into {@link #latin1} as the Latin-1 bytes of its code points; returns
   * their count, or -1 for text that is not strict UTF-8 of code points up to U+00FF.
   */
  int latin1(byte[] b, int from, int n) {
    if (latin1.length < n) {
      latin1 = new byte[Math.max(n, latin1.length * 2)];
    }
    byte[] o = latin1;
    int to = from + n;
    int k = 0;
    for (int i = from; i < to; i++) {
      int c = b[i];
      if (c >= 0) {
        o[k++] = (byte) c;
      } else if ((c == (byte) 0xC2 || c == (byte) 0xC3) && i + 1 < to && (b[i + 1] & 0xC0) == 0x80) {
        o[k++] = (byte) (((c & 0x03) << 6) | (b[++i] & 0x3F));
      } else {
        return -1;
      }
    }
    return k;
  }

  /** {"$bytes": "<base64>"} of b[from..from+n). */
  void base64(byte[] b, int from, int n) {
    int size = (n + 2) / 3 * 4 + 2;
    if (scratch.length < size) {
      scratch = new byte[Math.max(size, scratch.length * 2)];
    }
    byte[] o = scratch;
    o[0] = '"';
    int p = 1;
    int i = from;
    int to = from + n;
    for (; to - i >= 3; i += 3) {
      int v = (b[i] & 0xFF) << 16 | (b[i + 1] & 0xFF) << 8 | (b[i + 2] & 0xFF);
      o[p++] = B64[v >>> 18];
      o[p++] = B64[(v >>> 12) & 0x3F];
      o[p++] = B64[(v >>> 6) & 0x3F];
      o[p++] = B64[v & 0x3F];
    }
    if (to - i == 1) {
      int v = (b[i] & 0xFF) << 16;
      o[p++] = B64[v >>> 18];
      o[p++] = B64[(v >>> 12) & 0x3F];
      o[p++] = '=';
      o[p++] = '=';
    } else if (to - i == 2) {
      int v = (b[i] & 0xFF) << 16 | (b[i + 1] & 0xFF) << 8;
      o[p++] = B64[v >>> 18];
      o[p++] = B64[(v >>> 12) & 0x3F];
      o[p++] = B64[(v >>> 6) & 0x3F];
      o[p++] = '=';
    }
    o[p++] = '"';
    out.beginObject();
    out.verbatim(bytesKey, 0, bytesKey.length);
    out.verbatim(o, 0, p); // base64 needs no escaping
    out.endObject();
  }

  /**
   * Reads a naive datetime's 10 state bytes at s[at..at+10) into {@link #date}, {@link #time} and {@link #micros};
   * false for a state LocalDateTime.of refuses (the classic path fails those).
   */
  boolean datetimeState(byte[] s, int at) {
    int year = (s[at] & 0xFF) << 8 | (s[at + 1] & 0xFF);
    int month = s[at + 2] & 0x7F; // the high bit is fold
    int day = s[at + 3] & 0xFF;
    int hour = s[at + 4] & 0xFF;
    int minute = s[at + 5] & 0xFF;
    int second = s[at + 6] & 0xFF;
    int us = (s[at + 7] & 0xFF) << 16 | (s[at + 8] & 0xFF) << 8 | (s[at + 9] & 0xFF);
    if (month < 1 || month > 12 || day < 1 || day > monthLength(year, month) || hour > 23 || minute > 59
        || second > 59 || us > 999_999) {
      return false;
    }
    date = year * 10_000 + month * 100 + day;
    time = hour * 10_000 + minute * 100 + second;
    micros = us;
    return true;
  }

  /** The ISO (proleptic Gregorian) month length, as java.time has it. */
  private static int monthLength(int year, int month) {
    switch (month) {
      case 2:
        return (year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)) ? 29 : 28;
      case 4:
      case 6:
      case 9:
      case 11:
        return 30;
      default:
        return 31;
    }
  }

  /**
   * {"$datetime": "YYYY-MM-DDTHH:MM:SS[.ffffff]"}, as Python's isoformat() of a naive datetime, from what {@link
   * #datetimeState} read.
   */
  void datetime(int date, int time, int micros) {
    byte[] o = scratch;
    byte[] d = DIGITS2;
    o[0] = '"';
    int p;
    int year = date / 10_000;
    if (year < 10_000) {
      p = two(o, two(o, 1, d, year / 100), d, year % 100);
    } else {
      p = digits(o, 1, year, 4);
    }
    o[p++] = '-';
    int monthDay = date % 10_000;
    p = two(o, p, d, monthDay / 100);
    o[p++] = '-';
    p = two(o, p, d, monthDay % 100);
    o[p++] = 'T';
    p = two(o, p, d, time / 10_000);
    o[p++] = ':';
    int minuteSecond = time % 10_000;
    p = two(o, p, d, minuteSecond / 100);
    o[p++] = ':';
    p = two(o, p, d, minuteSecond % 100);
    if (micros != 0) {
      o[p++] = '.';
      p = two(o, p, d, micros / 10_000);
      int low = micros % 10_000;
      p = two(o, two(o, p, d, low / 100), d, low % 100);
    }
    o[p++] = '"';
    out.beginObject();
    out.verbatim(datetimeKey, 0, datetimeKey.length);
    out.verbatim(o, 0, p); // digits and separators need no escaping
    out.endObject();
  }

  /** Writes {@code v} (0 to 99) as two digits. */
  private static int two(byte[] o, int p, byte[] d, int v) {
    o[p] = d[2 * v];
    o[p + 1] = d[2 * v + 1];
    return p + 2;
  }

  /** Writes {@code v} (not negative) zero-padded to at least {@code width} digits, as %0Nd does. */
  private static int digits(byte[] o, int p, int v, int width) {
    if (width == 2 && v < 100) {
      o[p] = (byte) ('0' + v / 10);
      o[p + 1] = (byte) ('0' + v % 10);
      return p + 2;
    }
    int n = 1;
    for (int t = v; t >= 10; t /= 10) {
      n++;
    }
    int w = Math.max(n, width);
    for (int q = p + w - 1; q >= p; q--) {
      o[q] = (byte) ('0' + v % 10);
      v /= 10;
    }
    return p + w;
  }
}
