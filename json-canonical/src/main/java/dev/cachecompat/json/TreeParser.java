package dev.cachecompat.json;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.BigIntegerNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.DoubleNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.cachecompat.core.Limits;
import java.io.IOException;
import java.util.Arrays;

/**
 * Reads JSON bytes into a Jackson tree the way Python's {@code json.loads} reads them (integers exact, numbers
 * with {@code .}/{@code e}/{@code E} as doubles, bare NaN/Infinity/-Infinity, last duplicate key wins), or as
 * RFC 8785 reads them (every number a double). Iterative: the container stack is an array bounded by
 * {@code Limits.maxDepth()}. Thread-safe (the factory is); each call has its own state.
 */
final class TreeParser {
  private final JsonFactory factory;
  private final boolean python;
  private final boolean allowNonFinite;
  private final boolean refuseDuplicates;
  private final boolean rawUtf8Output;
  private final Limits limits;

  TreeParser(CanonicalJson cfg) {
    this.python = cfg.style() == JsonStyle.PYTHON;
    this.allowNonFinite = python && cfg.allowNonFinite();
    this.refuseDuplicates = cfg.refuseDuplicateKeys();
    this.rawUtf8Output = !cfg.ensureAscii();
    this.limits = cfg.limits();
    this.factory = factory(limits);
  }

  static JsonFactory factory(Limits limits) {
    StreamReadConstraints constraints = StreamReadConstraints.builder()
        .maxNestingDepth(limits.maxDepth() == Integer.MAX_VALUE ? Integer.MAX_VALUE : limits.maxDepth() + 1)
        .maxNumberLength(limits.maxIntDigits())
        .maxStringLength((int) Math.min(Integer.MAX_VALUE, limits.maxStringBytes()))
        .maxDocumentLength(limits.maxPayloadBytes())
        .build();
    return JsonFactory.builder()
        .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
        .enable(StreamReadFeature.USE_FAST_DOUBLE_PARSER)
        .enable(StreamReadFeature.USE_FAST_BIG_NUMBER_PARSER)
        .streamReadConstraints(constraints)
        .build();
  }

  JsonNode parse(byte[] b, int off, int len) {
    checkEnvelope(b, off, len, limits);
    JsonNodeFactory nodes = JsonNodeFactory.instance;
    JsonNode[] stack = new JsonNode[16];
    String[] names = new String[16];
    long[] nameOffsets = new long[16];
    int depth = 0;
    JsonNode root = null;
    try (JsonParser p = factory.createParser(b, off, len)) {
      JsonToken t = p.nextToken();
      if (t == null) {
        throw malformed(off + len, "expecting a value but the input is empty or blank");
      }
      while (true) {
        JsonNode v;
        switch (t) {
          case START_OBJECT:
          case START_ARRAY: {
            if (depth >= limits.maxDepth()) {
              long at = offset(p, off);
              throw new JsonCanonicalException("too-deep", at,
                  "nesting deeper than the limit of " + limits.maxDepth() + " at offset " + at);
            }
            JsonNode c = t == JsonToken.START_OBJECT ? nodes.objectNode() : nodes.arrayNode();
            attach(stack, names, nameOffsets, depth, c);
            if (depth == stack.length) {
              stack = Arrays.copyOf(stack, depth * 2);
              names = Arrays.copyOf(names, depth * 2);
              nameOffsets = Arrays.copyOf(nameOffsets, depth * 2);
            }
            stack[depth++] = c;
            if (depth == 1) {
              root = c;
            }
            t = p.nextToken();
            continue;
          }
          case END_OBJECT:
          case END_ARRAY:
            stack[--depth] = null;
            if (depth == 0) {
              finish(p, off);
              return root;
            }
            t = p.nextToken();
            continue;
          case FIELD_NAME:
            names[depth - 1] = p.currentName();
            nameOffsets[depth - 1] = offset(p, off);
            t = p.nextToken();
            continue;
          case VALUE_STRING: {
            String s = p.getText();
            if (!python || rawUtf8Output) {
              checkSurrogates(s, offset(p, off));
            }
            v = TextNode.valueOf(s);
            break;
          }
          case VALUE_NUMBER_INT:
            if (python) {
              switch (p.getNumberType()) {
                case INT:
                  v = IntNode.valueOf(p.getIntValue());
                  break;
                case LONG:
                  v = LongNode.valueOf(p.getLongValue());
                  break;
                default:
                  v = BigIntegerNode.valueOf(p.getBigIntegerValue());
                  break;
              }
            } else {
              v = DoubleNode.valueOf(finite(p, off, integerAsDouble(p)));
            }
            break;
          case VALUE_NUMBER_FLOAT:
            v = DoubleNode.valueOf(finite(p, off, floatValue(b, p, off)));
            break;
          case VALUE_TRUE:
            v = BooleanNode.TRUE;
            break;
          case VALUE_FALSE:
            v = BooleanNode.FALSE;
            break;
          case VALUE_NULL:
            v = NullNode.instance;
            break;
          default:
            throw malformed(offset(p, off), "unexpected token " + t);
        }
        if (depth == 0) {
          finish(p, off);
          return v;
        }
        attach(stack, names, nameOffsets, depth, v);
        t = p.nextToken();
      }
    } catch (StreamConstraintsException e) {
      throw overLimit(e, off);
    } catch (JsonProcessingException e) {
      JsonLocation loc = e.getLocation();
      long at = loc == null || loc.getByteOffset() < 0 ? -1 : loc.getByteOffset() + off;
      throw new JsonCanonicalException("malformed", at,
          "malformed JSON at offset " + at + ": " + e.getOriginalMessage(), e);
    } catch (IOException e) {
      throw new JsonCanonicalException("malformed", -1, "cannot read JSON: " + e.getMessage(), e);
    }
  }

  /** Size, BOM and UTF-8 checks done before Jackson sees the bytes. */
  static void checkEnvelope(byte[] b, int off, int len, Limits limits) {
    if (len > limits.maxPayloadBytes()) {
      throw new JsonCanonicalException("too-large", limits.maxPayloadBytes(),
          "input of " + len + " bytes exceeds the limit of " + limits.maxPayloadBytes() + " bytes");
    }
    if (len >= 3 && (b[off] & 0xff) == 0xef && (b[off + 1] & 0xff) == 0xbb && (b[off + 2] & 0xff) == 0xbf) {
      throw new JsonCanonicalException("malformed", off,
          "input starts with a UTF-8 byte order mark at offset " + off + " (Python's json.loads(str) refuses it)");
    }
    Utf8.validate(b, off, off + len);
  }

  private void attach(JsonNode[] stack, String[] names, long[] nameOffsets, int depth, JsonNode v) {
    if (depth == 0) {
      return;
    }
    JsonNode parent = stack[depth - 1];
    if (parent instanceof ObjectNode) {
      JsonNode previous = ((ObjectNode) parent).replace(names[depth - 1], v);
      if (previous != null && refuseDuplicates) {
        long at = nameOffsets[depth - 1];
        throw new JsonCanonicalException("duplicate-key", at,
            "duplicate key \"" + names[depth - 1] + "\" at offset " + at);
      }
    } else {
      ((ArrayNode) parent).add(v);
    }
  }

  private static void finish(JsonParser p, int off) throws IOException {
    JsonToken extra = p.nextToken();
    if (extra != null) {
      long at = offset(p, off);
      throw malformed(at, "extra data after the JSON value at offset " + at);
    }
  }

  private static long offset(JsonParser p, int off) {
    long o = p.currentTokenLocation().getByteOffset();
    return o < 0 ? -1 : o + off;
  }

  private static double integerAsDouble(JsonParser p) throws IOException {
    switch (p.getNumberType()) {
      case INT:
      case LONG:
        return p.getLongValue();
      default:
        return Double.parseDouble(p.getText());
    }
  }

  /** A float token's value; the non-numeric tokens only in Python's spelling (Jackson also takes +INF). */
  private static double floatValue(byte[] b, JsonParser p, int off) throws IOException {
    long at = offset(p, off);
    byte first = at >= 0 && at < b.length ? b[(int) at] : (byte) '0';
    boolean nonNumeric = first == 'N' || first == 'I' || first == '+'
        || (first == '-' && at + 1 < b.length && b[(int) at + 1] == 'I');
    if (nonNumeric) {
      String text = p.getText();
      switch (text) {
        case "NaN":
          return Double.NaN;
        case "Infinity":
          return Double.POSITIVE_INFINITY;
        case "-Infinity":
          return Double.NEGATIVE_INFINITY;
        default:
          throw malformed(at, "'" + text + "' at offset " + at + " is not a JSON value (Python spells NaN, Infinity, -Infinity)");
      }
    }
    return p.getDoubleValue();
  }

  private double finite(JsonParser p, int off, double d) {
    if ((Double.isNaN(d) || Double.isInfinite(d)) && !allowNonFinite) {
      long at = offset(p, off);
      String what = Double.isNaN(d) ? "NaN" : d > 0 ? "Infinity" : "-Infinity";
      throw new JsonCanonicalException("non-finite-number", at,
          "number at offset " + at + " is " + what + ", which "
              + (python ? "strict Python style (allow_nan=False)" : "RFC 8785") + " does not allow");
    }
    return d;
  }

  private static void checkSurrogates(String s, long at) {
    int n = s.length();
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      if (Character.isSurrogate(c)) {
        if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
          i++;
          continue;
        }
        throw new JsonCanonicalException("lone-surrogate", at,
            String.format("string at offset %d has a lone surrogate \\u%04x, which UTF-8 output cannot encode",
                at, (int) c));
      }
    }
  }

  private static JsonCanonicalException malformed(long at, String message) {
    return new JsonCanonicalException("malformed", at, message);
  }

  private static JsonCanonicalException overLimit(StreamConstraintsException e, int off) {
    String m = e.getOriginalMessage();
    String code;
    if (m.contains("Number value length") || m.contains("Number")) {
      code = "number-too-long";
    } else if (m.contains("String value length")) {
      code = "string-too-long";
    } else if (m.contains("Document")) {
      code = "too-large";
    } else if (m.contains("nesting depth") || m.contains("Depth")) {
      code = "too-deep";
    } else {
      code = "too-large";
    }
    JsonLocation loc = e.getLocation();
    long at = loc == null || loc.getByteOffset() < 0 ? -1 : loc.getByteOffset() + off;
    return new JsonCanonicalException(code, at, m + (at >= 0 ? " (at offset " + at + ")" : ""), e);
  }
}
