package dev.cachecompat.json;

import dev.cachecompat.core.Finding;
import dev.cachecompat.core.Severity;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Finds where JSON that {@link TreeParser} accepted differs from its canonical form, token by token: a small
 * lexer (the input is known to be valid JSON, UTF-8 and within limits) compares each token and each gap
 * between tokens with what the writer would put there. Iterative; not thread-safe, one per check.
 */
final class Checker {
  static final int MAX_FINDINGS = 1000;

  private final boolean python;
  private final Comparator<String> order;
  private final byte[] afterComma;
  private final byte[] afterColon;
  private final ByteSink scratch = new ByteSink(64);
  private final CanonicalWriter writer;
  private final List<Finding> findings = new ArrayList<>();

  /** An open object: its previous key and the keys seen. Arrays push null. */
  private static final class ObjectContext {
    String previous;
    final Set<String> seen = new HashSet<>();
  }

  Checker(CanonicalJson cfg) {
    this.python = cfg.style() == JsonStyle.PYTHON;
    this.order = python ? KeyOrder.CODE_POINT : KeyOrder.UTF16;
    this.afterComma = cfg.compact() ? new byte[0] : new byte[] {' '};
    this.afterColon = afterComma;
    this.writer = new CanonicalWriter(cfg, scratch);
  }

  CheckResult check(byte[] b, byte[] canonical) {
    boolean same = Arrays.equals(b, canonical);
    ObjectContext[] stack = new ObjectContext[16];
    int depth = 0;
    int i = 0;
    int n = b.length;
    byte previous = 0; // the previous structural token, or 'v' after a value, 0 at the start
    while (true) {
      int gapStart = i;
      while (i < n && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r')) {
        i++;
      }
      byte[] expected = previous == ',' ? afterComma : previous == ':' ? afterColon : new byte[0];
      checkGap(b, gapStart, i, expected, previous);
      if (i >= n) {
        break;
      }
      byte c = b[i];
      switch (c) {
        case '{':
        case '[':
          if (depth == stack.length) {
            stack = Arrays.copyOf(stack, depth * 2);
          }
          stack[depth++] = c == '{' ? new ObjectContext() : null;
          previous = c;
          i++;
          break;
        case '}':
        case ']':
          depth--;
          previous = 'v';
          i++;
          break;
        case ',':
        case ':':
          previous = c;
          i++;
          break;
        case '"': {
          boolean isKey = depth > 0 && stack[depth - 1] != null && (previous == '{' || previous == ',');
          i = string(b, i, isKey ? stack[depth - 1] : null);
          previous = 'v';
          break;
        }
        default:
          i = scalar(b, i);
          previous = 'v';
          break;
      }
      if (findings.size() >= MAX_FINDINGS) {
        findings.add(new Finding("too-many-findings", Severity.INFO, Finding.NO_OFFSET,
            "stopped after " + MAX_FINDINGS + " findings"));
        break;
      }
    }
    if (!same && findings.isEmpty()) {
      int at = firstDifference(b, canonical);
      findings.add(new Finding("not-canonical", Severity.WARNING, at,
          "input differs from its canonical form at offset " + at));
    }
    return new CheckResult(same, findings);
  }

  private void checkGap(byte[] b, int from, int to, byte[] expected, byte previous) {
    int len = to - from;
    if (len == expected.length && (len == 0 || b[from] == ' ')) {
      return;
    }
    if (len == 0) {
      add("whitespace", from, "missing space after '" + (char) previous + "' at offset " + from);
    } else if (expected.length == 0) {
      add("whitespace", from, "unexpected whitespace (" + len + " bytes) at offset " + from);
    } else {
      add("whitespace", from, "expected one space after '" + (char) previous + "' at offset " + from
          + " but found " + len + " whitespace bytes");
    }
  }

  /** Checks the string token starting at the quote {@code b[at]}; returns the index after it. */
  private int string(byte[] b, int at, ObjectContext object) {
    StringBuilder sb = new StringBuilder();
    int i = at + 1;
    int rawStart = i;
    while (b[i] != '"') {
      if (b[i] == '\\') {
        if (i > rawStart) {
          sb.append(new String(b, rawStart, i - rawStart, StandardCharsets.UTF_8));
        }
        byte e = b[i + 1];
        switch (e) {
          case 'b': sb.append('\b'); i += 2; break;
          case 'f': sb.append('\f'); i += 2; break;
          case 'n': sb.append('\n'); i += 2; break;
          case 'r': sb.append('\r'); i += 2; break;
          case 't': sb.append('\t'); i += 2; break;
          case 'u':
            sb.append((char) Integer.parseInt(new String(b, i + 2, 4, StandardCharsets.US_ASCII), 16));
            i += 6;
            break;
          default: sb.append((char) e); i += 2; break;
        }
        rawStart = i;
      } else {
        i++;
      }
    }
    if (i > rawStart) {
      sb.append(new String(b, rawStart, i - rawStart, StandardCharsets.UTF_8));
    }
    int end = i + 1;
    String s = sb.toString();
    scratch.len = 0;
    try {
      writer.string(s);
      int d = mismatch(b, at, end, scratch);
      if (d >= 0) {
        add("non-canonical-escape", d, "string at offset " + at + " is not written canonically from offset " + d
            + " (canonical: " + new String(scratch.buf, 0, scratch.len, StandardCharsets.UTF_8) + ")");
      }
    } catch (JsonCanonicalException e) {
      add(e.code(), at, "string at offset " + at + ": " + e.getMessage());
    }
    if (object != null) {
      if (!object.seen.add(s)) {
        add("duplicate-key", at, "duplicate key \"" + s + "\" at offset " + at);
      } else if (object.previous != null && order.compare(object.previous, s) > 0) {
        add("keys-not-sorted", at, "key \"" + s + "\" at offset " + at + " sorts before the previous key \""
            + object.previous + "\"");
      }
      object.previous = s;
    }
    return end;
  }

  /** Checks the number or literal starting at {@code b[at]}; returns the index after it. */
  private int scalar(byte[] b, int at) {
    int i = at;
    boolean integral = true;
    while (i < b.length) {
      byte c = b[i];
      if ((c >= '0' && c <= '9') || c == '-' || c == '+') {
        i++;
      } else if (c == '.' || c == 'e' || c == 'E') {
        integral = false;
        i++;
      } else if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) {
        integral = false;
        i++;
      } else {
        break;
      }
    }
    String text = new String(b, at, i - at, StandardCharsets.US_ASCII);
    scratch.len = 0;
    switch (text) {
      case "true":
      case "false":
      case "null":
        return i;
      case "NaN":
        writer.floating(Double.NaN);
        break;
      case "Infinity":
        writer.floating(Double.POSITIVE_INFINITY);
        break;
      case "-Infinity":
        writer.floating(Double.NEGATIVE_INFINITY);
        break;
      default:
        if (integral && python) {
          scratch.putAscii(new BigInteger(text).toString());
        } else {
          writer.floating(Double.parseDouble(text));
        }
        break;
    }
    if (mismatch(b, at, i, scratch) >= 0) {
      add("non-canonical-number", at, "number " + text + " at offset " + at + " is canonically "
          + new String(scratch.buf, 0, scratch.len, StandardCharsets.US_ASCII));
    }
    return i;
  }

  /** The offset of the first byte of {@code b[from, to)} that differs from the sink, or -1. */
  private static int mismatch(byte[] b, int from, int to, ByteSink expected) {
    int m = Arrays.mismatch(b, from, to, expected.buf, 0, expected.len);
    return m < 0 ? -1 : from + m;
  }

  private static int firstDifference(byte[] a, byte[] b) {
    int m = Arrays.mismatch(a, b);
    return m < 0 ? 0 : m;
  }

  private void add(String code, long at, String message) {
    if (findings.size() < MAX_FINDINGS) {
      findings.add(new Finding(code, Severity.WARNING, at, message));
    }
  }
}
