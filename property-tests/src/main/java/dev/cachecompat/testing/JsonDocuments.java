package dev.cachecompat.testing;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;

/**
 * jqwik arbitraries for JSON documents as text, full of the traps canonical JSON has to get right: keys whose
 * UTF-16 order differs from their code-point order (U+FFFF against an astral character), keys differing only
 * by case, NUL or combining characters, numeric-looking keys, the same key twice, every spelling of a number
 * ({@code 1.0}, {@code 1E+2}, {@code -0}, {@code 1e400}, integers past 2^53), escaped and raw text (escaped
 * lone surrogates, {@code \/}, upper- and lower-case hex), and whitespace between every token.
 *
 * <p>{@link #pythonDocuments()} are documents Python's {@code json.loads} reads (so also {@code NaN},
 * {@code Infinity}, lone surrogates and duplicate keys); {@link #rfc8785Documents()} are the documents RFC 8785
 * canonicalizes (no duplicate keys, no lone surrogates, every number finite as a double).
 *
 * <p>All methods are static and thread-safe; each returns a new arbitrary.
 */
public final class JsonDocuments {
  private static final List<String> TRAP_KEYS = List.of("", "a", "A", "b", "aa", "a\u0000", "\u00e9",
      "e\u0301", "\uffff", "\ud83d\ude00", "\u007f", "10", "9", "\ufb01", "\u00df", "key", "Key", "\ud800\udc00");

  private JsonDocuments() {}

  /**
   * Documents Python's {@code json.loads} accepts, with duplicate keys, lone surrogates and the non-finite
   * literals Python writes.
   *
   * @return JSON text
   */
  public static Arbitrary<String> pythonDocuments() {
    return documents(true);
  }

  /**
   * Documents RFC 8785 canonicalizes: no duplicate keys, no lone surrogates, no number that overflows a double.
   *
   * @return JSON text
   */
  public static Arbitrary<String> rfc8785Documents() {
    return documents(false);
  }

  private static Arbitrary<String> documents(boolean python) {
    Arbitrary<String> scalar = scalar(python);
    Arbitrary<String> value = scalar;
    for (int depth = 1; depth <= 3; depth++) {
      value = Arbitraries.frequencyOf(Tuple.of(1, scalar), Tuple.of(1, container(value, python)));
    }
    return Combinators.combine(whitespace(), value, whitespace()).as((a, v, b) -> a + v + b);
  }

  /**
   * Key strings (decoded, not yet JSON-escaped) biased towards the sort-order traps.
   *
   * @param loneSurrogates whether lone surrogates may appear
   * @return keys
   */
  public static Arbitrary<String> keys(boolean loneSurrogates) {
    List<Tuple.Tuple2<Integer, Arbitrary<String>>> parts = new ArrayList<>(List.of(
        Tuple.of(5, Arbitraries.of(TRAP_KEYS)),
        Tuple.of(3, PythonValues.text(false))));
    if (loneSurrogates) {
      parts.add(Tuple.of(1, Arbitraries.of("\ud800", "\udfff", "a\udc00", "\udbff")));
    }
    return Arbitraries.frequencyOf(parts);
  }

  private static Arbitrary<String> scalar(boolean python) {
    return Arbitraries.frequencyOf(
        Tuple.of(3, numbers(python)),
        Tuple.of(3, Combinators.combine(keys(python), spellings()).as(JsonDocuments::stringToken)),
        Tuple.of(1, Arbitraries.of("true", "false", "null")));
  }

  /**
   * Number tokens in many spellings; with {@code python}, also {@code NaN}, {@code Infinity},
   * {@code -Infinity} and overflowing exponents.
   *
   * @param python whether Python-only numbers may appear
   * @return number tokens
   */
  public static Arbitrary<String> numbers(boolean python) {
    Arbitrary<String> traps = Arbitraries.of("0", "-0", "1.0", "-0.0", "1e2", "1E+2", "1e-2", "100e-2", "0.1",
        "5e-324", "1e-400", "12345678901234567890", "-9223372036854775809", "9007199254740993",
        "0.30000000000000004", "1.7976931348623157e308", "2.5e-5", "1e21", "1e-7", "1e+21", "123.456e1",
        "4.35", "0.000001", "1E-7", "9999999999999999", "1e16", "2e-1");
    Arbitrary<String> ints = Arbitraries.longs().map(l -> Long.toString(l));
    Arbitrary<String> doubles = Arbitraries.longs().map(Double::longBitsToDouble)
        .filter(d -> !d.isNaN() && !d.isInfinite()).map(d -> Double.toString(d));
    Arbitrary<String> decimals = Arbitraries.bigDecimals().between(new java.math.BigDecimal("-1e6"),
        new java.math.BigDecimal("1e6")).ofScale(4).map(java.math.BigDecimal::toPlainString);
    List<Tuple.Tuple2<Integer, Arbitrary<String>>> parts = new ArrayList<>(List.of(
        Tuple.of(4, traps), Tuple.of(2, ints), Tuple.of(2, doubles), Tuple.of(2, decimals)));
    if (python) {
      parts.add(Tuple.of(1, Arbitraries.of("NaN", "Infinity", "-Infinity", "1e400", "-1e400")));
    }
    return Arbitraries.frequencyOf(parts);
  }

  private static Arbitrary<String> container(Arbitrary<String> inner, boolean python) {
    Arbitrary<String> element = Combinators.combine(whitespace(), inner, whitespace()).as((a, v, b) -> a + v + b);
    Arbitrary<String> array = Combinators.combine(element.list().ofMaxSize(4), whitespace())
        .as((items, ws) -> "[" + (items.isEmpty() ? ws : String.join(",", items)) + "]");
    Arbitrary<String[]> member = Combinators.combine(keys(python), spellings(), whitespace(), whitespace(), element)
        .as((k, spelling, w1, w2, v) -> new String[] {k, w1 + stringToken(k, spelling) + w2 + ":" + v});
    Arbitrary<String> object = Combinators.combine(member.list().ofMaxSize(5), whitespace()).as((members, ws) -> {
      Map<String, String> unique = new LinkedHashMap<>();
      List<String> all = new ArrayList<>();
      for (String[] m : members) {
        unique.putIfAbsent(m[0], m[1]);
        all.add(m[1]);
      }
      List<String> written = python ? all : new ArrayList<>(unique.values());
      return "{" + (written.isEmpty() ? ws : String.join(",", written)) + "}";
    });
    return Arbitraries.oneOf(List.of(array, object));
  }

  /**
   * JSON whitespace between tokens: mostly none, sometimes spaces, tabs and newlines.
   *
   * @return whitespace runs
   */
  public static Arbitrary<String> whitespace() {
    return Arbitraries.frequencyOf(Tuple.of(6, Arbitraries.just("")),
        Tuple.of(2, Arbitraries.of(" ", "\n", "\t", "\r\n", "  \n ")));
  }

  private static Arbitrary<List<Integer>> spellings() {
    return Arbitraries.integers().between(0, 3).list().ofSize(16);
  }

  /**
   * A JSON string token for {@code s}, each character written raw or escaped ({@code \n}, {@code \/},
   * {@code \u00E9} in either hex case, astral characters as escaped surrogate pairs), in any mix.
   *
   * @param s the decoded string
   * @return string tokens including the quotes
   */
  public static Arbitrary<String> stringToken(String s) {
    return spellings().map(choices -> stringToken(s, choices));
  }

  private static String stringToken(String s, List<Integer> choices) {
    StringBuilder sb = new StringBuilder("\"");
    for (int i = 0; i < s.length(); ) {
      int cp = s.codePointAt(i);
      int choice = choices.get(i % choices.size());
      i += Character.charCount(cp);
      boolean mustEscape = cp < 0x20 || cp == '"' || cp == '\\' || (cp >= 0xd800 && cp <= 0xdfff);
      if (!mustEscape && choice < 2) {
        sb.appendCodePoint(cp);
      } else if (choice == 2 && cp < 0x10000 && shortEscape((char) cp) != null) {
        sb.append(shortEscape((char) cp));
      } else {
        for (char c : Character.toChars(cp)) {
          String hex = String.format(Locale.ROOT, "%04x", (int) c);
          sb.append("\\u").append(choice == 3 ? hex.toUpperCase(Locale.ROOT) : hex);
        }
      }
    }
    return sb.append('"').toString();
  }

  private static String shortEscape(char c) {
    switch (c) {
      case '"': return "\\\"";
      case '\\': return "\\\\";
      case '/': return "\\/";
      case '\b': return "\\b";
      case '\f': return "\\f";
      case '\n': return "\\n";
      case '\r': return "\\r";
      case '\t': return "\\t";
      default: return null;
    }
  }
}
