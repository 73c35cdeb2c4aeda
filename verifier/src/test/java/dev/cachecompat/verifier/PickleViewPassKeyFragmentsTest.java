package dev.cachecompat.verifier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cachecompat.pickle.PickleDecoder;
import dev.cachecompat.pickle.PickleEncoder;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The fused pass writes the keys of a dict whose keys are byte for byte those of the last dict of the same size from
 * bytes it made once ({@code "key":}, escaped): such bytes must never stand for another key, whatever the keys share
 * (length, prefix, escapes, UTF-8 length), and a dict inside a dict of the same size must not change the bytes the
 * outer one is still writing its keys from. Every render is held to the classic path's bytes.
 */
class PickleViewPassKeyFragmentsTest {
  private final PickleDecoder decoder = PickleDecoder.defaults();

  private static Map<String, Object> dict(Object... keysAndValues) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      m.put((String) keysAndValues[i], keysAndValues[i + 1]);
    }
    return m;
  }

  private void assertHandledAsTheClassicPath(PickleViewWriter writer, Object value, int protocol) {
    byte[] pickle = PickleEncoder.protocol(protocol).encode(value);
    assertTrue(PickleViewPassTest.assertAgrees(decoder, writer, pickle, value + " at " + protocol),
        value + " at " + protocol + " handled");
  }

  @Test
  void aDictInsideADictOfTheSameSizeWithOtherKeysLeavesTheOuterDictsKeysAlone() {
    for (int protocol = 2; protocol <= 5; protocol++) {
      PickleViewWriter writer = new PickleViewWriter();
      Map<String, Object> outer = dict("k1", 1L, "k2", 2L);
      Map<String, Object> nested = dict("k1", dict("x1", 1L, "x2", dict("y1", 1L, "y2", 2L)), "k2",
          dict("k1", 3L, "k2", dict("k1", 5L, "zz", 6L)));
      assertHandledAsTheClassicPath(writer, outer, protocol);
      assertHandledAsTheClassicPath(writer, outer, protocol); // the keys' bytes are made now
      assertHandledAsTheClassicPath(writer, nested, protocol); // outer keys known; inner ones other, then known
      assertHandledAsTheClassicPath(writer, nested, protocol);
      assertHandledAsTheClassicPath(writer, List.of(nested, outer, nested, dict("k1", 0L, "k3", 1L), outer), protocol);
      assertHandledAsTheClassicPath(writer, outer, protocol);
    }
  }

  @Test
  void keysThatShareLengthPrefixOrEscapesAreNeverWrittenAsEachOther() {
    // same length, same prefix, one byte apart, escapes of the same length, the same bytes in other UTF-8 splits
    String[] alphabet = {"ab", "ac", "ba", "a\"", "a\\", "a\n", "a\t", "a\u0001", "\u00e9", "a\u00e9", "\u00e9a",
        "\u00e8", "\u20ac", "\ud83d\ude00", "abc", "a", "", "b", "a\u007f", "A"};
    Random random = new Random(11);
    PickleViewWriter writer = new PickleViewWriter();
    for (int round = 0; round < 20_000; round++) {
      Object value = randomDict(random, alphabet, 0);
      assertHandledAsTheClassicPath(writer, value, 2 + random.nextInt(4));
    }
  }

  private static Object randomDict(Random random, String[] alphabet, int depth) {
    Map<String, Object> m = new LinkedHashMap<>();
    int n = random.nextInt(4);
    for (int i = 0; i < n; i++) {
      String key = alphabet[random.nextInt(alphabet.length)];
      m.put(key, depth < 3 && random.nextInt(3) == 0 ? randomDict(random, alphabet, depth + 1) : (long) i);
    }
    return m;
  }

  @Test
  void aKeyThatIsNotStrictUtf8IsLeftToTheClassicPathEveryTime() {
    PickleViewWriter writer = new PickleViewWriter();
    byte[] bad = PickleViewPassTest.dictPickle(new byte[] {'a'}, new byte[] {(byte) 0xff, 'b'});
    assertNull(writer.pass().render(decoder, bad));
    assertNull(writer.pass().render(decoder, bad)); // the keys are known now, but give no bytes to write
    assertNull(writer.pass().render(decoder, bad));
    assertEquals("{\"a\":0,\"c\":1}", new String(writer.pass().render(decoder,
        PickleViewPassTest.dictPickle(new byte[] {'a'}, new byte[] {'c'})), StandardCharsets.UTF_8));
    assertEquals("{\"a\":0,\"c\":1}", new String(writer.pass().render(decoder,
        PickleViewPassTest.dictPickle(new byte[] {'a'}, new byte[] {'c'})), StandardCharsets.UTF_8));
    assertNull(writer.pass().render(decoder, bad));
  }

  @Test
  void membersSetOneByOneAroundOtherContainersItemsAreWrittenAsTheClassicPathWritesThem() {
    // SETITEM per member, each value a list with an item: the dict's members are not the consecutive edges the
    // known keys are checked on, before and after the same keys come in one SETITEMS
    PickleViewWriter writer = new PickleViewWriter();
    byte[][] keys = {"b".getBytes(StandardCharsets.UTF_8), "a".getBytes(StandardCharsets.UTF_8),
        "c".getBytes(StandardCharsets.UTF_8)};
    byte[] oneByOne = oneByOne(keys);
    byte[] batched = PickleViewPassTest.dictPickle(keys);
    for (byte[] pickle : List.of(batched, batched, oneByOne, oneByOne, batched, oneByOne, batched)) {
      assertTrue(PickleViewPassTest.assertAgrees(decoder, writer, pickle, HexFormat.of().formatHex(pickle)));
    }
  }

  /** A protocol 2 dict of the given keys set by one SETITEM each, valued [0], [1], ... */
  private static byte[] oneByOne(byte[]... keys) {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    b.write(0x80);
    b.write(2);
    b.write('}');
    for (int i = 0; i < keys.length; i++) {
      PickleViewPassTest.binunicode(b, keys[i]);
      b.write(']');
      b.write('K');
      b.write(i);
      b.write('a');
      b.write('s');
    }
    b.write('.');
    return b.toByteArray();
  }
}
