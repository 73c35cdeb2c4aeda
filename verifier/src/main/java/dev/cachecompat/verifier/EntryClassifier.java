package dev.cachecompat.verifier;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cachecompat.core.Finding;
import dev.cachecompat.core.PythonVersion;
import dev.cachecompat.core.Severity;
import dev.cachecompat.core.Verdict;
import dev.cachecompat.json.CanonicalJson;
import dev.cachecompat.namespace.MemcachedFlags;
import dev.cachecompat.json.CheckResult;
import dev.cachecompat.json.JsonCanonicalException;
import dev.cachecompat.pickle.PickleDecoder;
import dev.cachecompat.pickle.PickleException;
import dev.cachecompat.pickle.PickleReport;
import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * Classifies one raw cache entry: its namespace, wire format (by the Python clients' memcached flags when there
 * are any, else sniffed), and for pickles the inspection, the decoded view and whether the namespace's readers
 * can load it.
 */
final class EntryClassifier {
  private static final int FLAG_PICKLE = MemcachedFlags.PICKLE;
  private static final int FLAG_INTEGER = MemcachedFlags.INTEGER;
  private static final int FLAG_LONG = MemcachedFlags.LONG;
  private static final int FLAG_COMPRESSED = MemcachedFlags.COMPRESSED;
  private static final int FLAG_TEXT = MemcachedFlags.TEXT;

  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private final PickleDecoder decoder;
  private final NamespaceResolver resolver;
  private final CanonicalJson json = CanonicalJson.python();

  EntryClassifier(PickleDecoder decoder, NamespaceResolver resolver) {
    this.decoder = decoder;
    this.resolver = resolver;
  }

  /**
   * What the scan says of one key; {@code value} is the value's JSON in Python's compact sorted form, UTF-8
   * (null when there is none, or when it was not asked for).
   */
  record Result(String key, NamespaceResolver.Ns namespace, PythonVersion readers, String userKey, Integer flags,
      String format, boolean ok, Verdict verdict, Integer protocol, PythonVersion minPython, byte[] value,
      Long ttlSeconds, List<Finding> findings, boolean unreadable) {
    /** This result without its value, to keep for the summary once its line is written. */
    Result withoutValue() {
      return new Result(key, namespace, readers, userKey, flags, format, ok, verdict, protocol, minPython, null,
          ttlSeconds, findings, unreadable);
    }
  }

  /** Classifies {@code e}, with its value's JSON. */
  Result classify(RawEntry e) {
    return classify(e, new PickleViewWriter(), true);
  }

  /**
   * Classifies {@code e}.
   *
   * @param view writes pickles' values (this thread's own)
   * @param render whether the result holds the value's JSON; without it a pickle's view is still rendered (and
   *     dropped), so a view over the node budget or the JSON limits fails the key in every format
   */
  Result classify(RawEntry e, PickleViewWriter view, boolean render) {
    String key = e.displayKey();
    NamespaceResolver.Resolved where = resolver.resolve(key);
    PythonVersion readers = where.readers();
    Builder r = new Builder(key, where, readers, e, render);
    if (e.redisType() != null && !e.redisType().equals("string")) {
      r.format = "other";
      r.finding("redis-type", Severity.INFO, "a Redis " + e.redisType() + ", not a string value: not inspected");
      return r.build();
    }
    if (e.valueSkipped()) {
      r.format = "other";
      r.fail(Verdict.OVER_LIMIT, "value-too-large",
          "value of " + e.valueLength() + " bytes is over the payload limit; not read");
      return r.build();
    }
    byte[] data = e.value() == null ? new byte[0] : e.value();
    Integer flags = e.flags();
    if (flags != null && (flags & FLAG_COMPRESSED) != 0) {
      try {
        data = inflate(data, decoder.limits().maxPayloadBytes());
      } catch (DataFormatException ex) {
        r.format = "bytes";
        r.fail(Verdict.MALFORMED, "bad-zlib", "flag 8 (zlib) but the value does not inflate: " + ex.getMessage());
        return r.build();
      } catch (IllegalStateException ex) {
        r.format = "bytes";
        r.fail(Verdict.OVER_LIMIT, "value-too-large", ex.getMessage());
        return r.build();
      }
    }
    String format = flags != null ? byFlags(flags & ~FLAG_COMPRESSED, data) : sniff(r, data);
    r.format = format;
    switch (format) {
      case "pickle":
        pickle(r, data, view);
        break;
      case "int":
        integer(r, data);
        break;
      case "text":
        text(r, data);
        break;
      case "json":
        json(r, data);
        break;
      case "bytes":
        r.value = tagged("$bytes", data);
        break;
      default:
        r.finding("unknown-flags", Severity.WARNING, "memcached flags " + Integer.toUnsignedString(flags)
            + " are none the Python clients write (0, 1, 2, 4, 16, optionally | 8)");
        r.value = tagged("$bytes", data);
    }
    return r.build();
  }

  private static String byFlags(int flags, byte[] data) {
    switch (flags) {
      case FLAG_PICKLE:
        return "pickle";
      case FLAG_INTEGER:
      case FLAG_LONG:
        return "int";
      case FLAG_TEXT:
        return "text";
      case 0:
        return looksLikeJson(data) ? "json" : "bytes";
      default:
        return "other";
    }
  }

  /** The format of an unflagged value; a value sniffed as JSON leaves its parsed tree in {@code r.value}. */
  private String sniff(Builder r, byte[] data) {
    if (data.length == 0) {
      return "bytes";
    }
    if ((data[0] & 0xff) == 0x80) {
      return "pickle";
    }
    if (isInteger(data)) {
      return "int";
    }
    if (looksLikeJson(data)) {
      r.value = parseOrNull(data);
      if (r.value != null) {
        return "json";
      }
    }
    if (data[data.length - 1] == '.') {
      PickleReport report = decoder.inspector().inspect(data);
      if (report.isValid() || report.verdict() == Verdict.UNSAFE) {
        return "pickle";
      }
    }
    return utf8(data) != null ? "text" : "bytes";
  }

  private static boolean looksLikeJson(byte[] data) {
    for (byte b : data) {
      if (b == ' ' || b == '\t' || b == '\n' || b == '\r') {
        continue;
      }
      return b == '{' || b == '[' || b == '"';
    }
    return false;
  }

  /** An optional '-' and 1 to 4,300 decimal digits (CPython 3.11's limit), as Django's RedisCache stores ints. */
  static boolean isInteger(byte[] data) {
    int i = data.length > 0 && data[0] == '-' ? 1 : 0;
    if (i == data.length || data.length - i > 4300) {
      return false;
    }
    for (; i < data.length; i++) {
      if (data[i] < '0' || data[i] > '9') {
        return false;
      }
    }
    return true;
  }

  /**
   * A pickle: when it has a shape this thread learned ({@link PickleShapes}), its report and view come from one
   * walk. Else it is inspected; when valid, {@link PickleViewPass} writes the view of the common shapes straight
   * from the pickle's bytes (learning the pickle's shape now and then), and whatever it does not handle takes the
   * classic path (decode, then render the decoded value), which gives the same bytes and is the one to give errors.
   */
  private void pickle(Builder r, byte[] data, PickleViewWriter view) {
    PickleShapes shapes = view.shapes();
    PickleReport report = shapes.match(decoder, data);
    byte[] rendered;
    if (report != null) {
      rendered = shapes.view();
    } else {
      report = decoder.inspector().inspect(data);
      rendered = null;
    }
    r.protocol = report.protocol();
    r.minPython = report.minPython();
    if (!report.findings().isEmpty()) { // addAll copies even an empty list to an array
      r.findings.addAll(report.findings());
    }
    r.verdict = report.verdict();
    if (!report.isValid()) {
      r.ok = false; // what decoding refuses before it starts
      return;
    }
    if (rendered == null) {
      rendered = shapes.wantsToLearn() ? shapes.learnAndRender(decoder, data, report)
          : view.pass().render(decoder, data);
    }
    if (rendered == null) {
      try {
        // decode inspects again: only pickles the fast path leaves pay twice. Rendered for the table too: a view
        // too deep or too long for JSON fails the key in either format.
        rendered = view.render(decoder.decode(data));
      } catch (PickleException ex) {
        r.fail(ex.verdict(), ex.code(), ex.getMessage());
        return;
      } catch (JsonCanonicalException ex) {
        // a view nested deeper (a $tuple wrapper doubles a level) or longer than the JSON limits: this key only
        r.fail(Verdict.OVER_LIMIT, ex.code(), "the value's JSON view: " + ex.getMessage());
        return;
      }
    }
    if (r.render) {
      r.rendered = rendered;
    }
    if (r.readers != null && report.minPython().compareTo(r.readers) > 0) {
      r.unreadable = true;
      r.ok = false;
      r.findings.add(new Finding("unreadable-by-readers", Severity.ERROR, Finding.NO_OFFSET,
          "protocol " + report.protocol() + " pickle needs Python " + report.minPython() + " or newer, but namespace "
              + r.where.namespace().label() + " is read by Python " + r.readers));
    }
  }

  private static void integer(Builder r, byte[] data) {
    String s = new String(data, StandardCharsets.US_ASCII).trim();
    if (!isInteger(s.getBytes(StandardCharsets.US_ASCII))) {
      r.fail(Verdict.MALFORMED, "bad-int", "flags say int but the value is not decimal digits: '" + preview(data) + "'");
      return;
    }
    r.value = NODES.numberNode(new BigInteger(s));
  }

  private void text(Builder r, byte[] data) {
    String s = utf8(data);
    if (s == null) {
      r.fail(Verdict.MALFORMED, "bad-utf8", "flags say UTF-8 text but the value is not valid UTF-8");
      return;
    }
    if (looksLikeJson(data)) {
      r.value = parseOrNull(data); // null: plain text that happens to start like JSON
      if (r.value != null) {
        r.format = "json"; // JSON stored as text (flag 16), as Python clients store a json.dumps() str
        json(r, data);
        return;
      }
    }
    r.value = NODES.textNode(s);
  }

  /** Records the JSON value (parsing it unless sniffing already did) and whether it is in canonical form. */
  private void json(Builder r, byte[] data) {
    try {
      if (r.value == null) {
        r.value = json.parse(data);
      }
      // writeBytes(parse(x)) is canonicalize(x): only a value that is not canonical pays for check()'s findings
      if (!java.util.Arrays.equals(json.writeBytes(r.value), data)) {
        CheckResult check = json.check(data);
        if (!check.canonical() && !check.findings().isEmpty()) {
          Finding first = check.findings().get(0);
          r.findings.add(new Finding("json-not-canonical", Severity.INFO, first.offset(),
              "not json.dumps(sort_keys=True) form: " + first.message()));
        }
      }
    } catch (JsonCanonicalException ex) {
      r.value = null;
      r.fail(Verdict.MALFORMED, ex.code(), ex.getMessage());
    }
  }

  private JsonNode parseOrNull(byte[] data) {
    try {
      return json.parse(data);
    } catch (JsonCanonicalException notJson) {
      return null;
    }
  }

  static String utf8(byte[] data) {
    try {
      return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(data)).toString();
    } catch (CharacterCodingException e) {
      return null;
    }
  }

  private static String preview(byte[] data) {
    return RawEntry.escape(data.length > 40 ? java.util.Arrays.copyOf(data, 40) : data);
  }

  private static ObjectNode tagged(String tag, byte[] data) {
    ObjectNode o = NODES.objectNode();
    o.put(tag, Base64.getEncoder().encodeToString(data));
    return o;
  }

  static byte[] inflate(byte[] data, long maxBytes) throws DataFormatException {
    Inflater inflater = new Inflater();
    try {
      inflater.setInput(data);
      ByteArrayOutputStream out = new ByteArrayOutputStream(Math.min(data.length * 4, 1 << 20));
      byte[] buf = new byte[8192];
      while (!inflater.finished()) {
        int n = inflater.inflate(buf);
        if (n == 0 && (inflater.needsInput() || inflater.needsDictionary())) {
          throw new DataFormatException("zlib stream ends early");
        }
        if (out.size() + n > maxBytes) {
          throw new IllegalStateException("inflated value is over the payload limit of " + maxBytes + " bytes");
        }
        out.write(buf, 0, n);
      }
      return out.toByteArray();
    } finally {
      inflater.end();
    }
  }

  private static final class Builder {
    final String key;
    final NamespaceResolver.Resolved where;
    final PythonVersion readers;
    final RawEntry entry;
    final boolean render;
    final List<Finding> findings = new ArrayList<>(4);
    String format = "other";
    boolean ok = true;
    Verdict verdict = Verdict.VALID;
    Integer protocol;
    PythonVersion minPython;
    /** The value as a tree (formats other than pickle), rendered by {@link #build}. */
    JsonNode value;
    /** The value's JSON, when rendered already (pickles). */
    byte[] rendered;
    boolean unreadable;

    Builder(String key, NamespaceResolver.Resolved where, PythonVersion readers, RawEntry entry, boolean render) {
      this.key = key;
      this.where = where;
      this.readers = readers;
      this.entry = entry;
      this.render = render;
    }

    void finding(String code, Severity severity, String message) {
      findings.add(new Finding(code, severity, Finding.NO_OFFSET, message));
    }

    void fail(Verdict v, String code, String message) {
      ok = false;
      verdict = v;
      finding(code, Severity.ERROR, message);
    }

    Result build() {
      byte[] json = null;
      if (render) {
        json = rendered != null ? rendered : value != null ? JsonLines.valueBytes(value) : null;
      }
      return new Result(key, where.namespace(), readers, where.userKey(), entry.flags(), format, ok, verdict, protocol,
          minPython, json, entry.ttlSeconds(), findings.isEmpty() ? List.of() : List.copyOf(findings), unreadable);
    }
  }
}
