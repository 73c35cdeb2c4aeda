package dev.cachecompat.verifier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cachecompat.core.CacheCompatException;
import dev.cachecompat.core.Limits;
import dev.cachecompat.json.CanonicalJson;
import dev.cachecompat.pickle.PickleDecoder;
import dev.cachecompat.pickle.PickleEncoder;
import dev.cachecompat.pickle.Py2Str;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The fused fast path either says "not handled" or writes exactly what the classic path (decode, then {@link
 * PickleViewWriter#render}) writes, on every pickle the verifier's other view tests use, on CPython's pickles of
 * the scan benchmark's profile (which it must handle), and on mutants that pass inspection.
 */
class PickleViewPassTest {
  static final Path SCAN_PROFILES = Path.of("src/test/resources/scan-profiles");
  static final Path BENCH_CORPUS = Path.of("../bench/src/main/resources/corpus");

  /** The classic path's outcome: the bytes, or the error's class, code and message. */
  static String classic(PickleDecoder decoder, PickleViewWriter writer, byte[] pickle) {
    try {
      return "ok " + new String(writer.render(decoder.decode(pickle)), StandardCharsets.ISO_8859_1);
    } catch (RuntimeException e) {
      String code = e instanceof CacheCompatException c ? c.code() + " " : "";
      return "error " + e.getClass().getSimpleName() + " " + code + e.getMessage();
    }
  }

  /**
   * Runs the fast path as the scan does (only on inspected-valid input) and asserts it agrees with the classic
   * path when it handles the pickle; returns whether it did.
   */
  static boolean assertAgrees(PickleDecoder decoder, PickleViewWriter writer, byte[] pickle, String context) {
    if (!decoder.inspector().inspect(pickle).isValid()) {
      return false;
    }
    byte[] fast = writer.pass().render(decoder, pickle);
    if (fast == null) {
      return false;
    }
    assertEquals(classic(decoder, writer, pickle), "ok " + new String(fast, StandardCharsets.ISO_8859_1), context);
    return true;
  }

  static List<Path> pickles(Path root) throws IOException {
    try (Stream<Path> walk = Files.walk(root)) {
      return walk.filter(p -> p.toString().endsWith(".pickle")).sorted().toList();
    }
  }

  @Test
  void everyPickleOfThePickleCodecAndTheBenchCorpusIsWrittenAsTheClassicPathWritesIt() throws IOException {
    List<Path> files = new ArrayList<>(pickles(PickleViewWriterTest.PICKLE_RESOURCES));
    files.addAll(pickles(BENCH_CORPUS));
    files.addAll(pickles(SCAN_PROFILES));
    // tight limits too: the pass must leave whatever is near the node budget or the JSON limits to the classic path
    CanonicalJson tight = JsonLines.VALUES.toBuilder()
        .limits(Limits.builder().maxDepth(3).maxPayloadBytes(40).build()).build();
    int handled = 0;
    for (Py2Str policy : Py2Str.values()) {
      PickleDecoder decoder = PickleDecoder.builder().py2Str(policy).build();
      PickleViewWriter writer = new PickleViewWriter();
      PickleViewWriter tightWriter = new PickleViewWriter(tight, 12);
      for (Path p : files) {
        byte[] pickle = Files.readAllBytes(p);
        if (assertAgrees(decoder, writer, pickle, p + " " + policy)) {
          handled++;
        }
        assertAgrees(decoder, tightWriter, pickle, p + " " + policy + " with tight limits");
      }
    }
    assertTrue(files.size() > 7000, "pickles: " + files.size());
    assertTrue(handled > 4 * 1500, "handled: " + handled);
  }

  @Test
  void handlesCPythonsPicklesOfTheScanBenchmarksProfileAtProtocols2And4And5() throws IOException {
    PickleDecoder decoder = new PickleOptions().decoder();
    PickleViewWriter writer = new PickleViewWriter();
    List<Path> files = pickles(SCAN_PROFILES);
    assertEquals(39, files.size());
    for (Path p : files) {
      assertTrue(assertAgrees(decoder, writer, Files.readAllBytes(p), p.toString()), p + " not handled");
    }
    byte[] p2 = Files.readAllBytes(SCAN_PROFILES.resolve("profile-7.p2.pickle"));
    assertEquals("{\"active\":false,\"email\":\"u7@example.com\",\"id\":7,\"joined\":{\"$datetime\":"
        + "\"2020-01-01T00:00:07\"},\"name\":\"user 7\",\"score\":3.5,\"settings\":{\"lang\":\"en\",\"n\":7,"
        + "\"theme\":\"dark\"},\"tags\":[\"a\",\"b\",\"c\"]}",
        new String(writer.pass().render(decoder, p2), StandardCharsets.UTF_8));
  }

  @Test
  void handlesTheBenchCorpusProfilesAndFeeds() throws IOException {
    PickleDecoder decoder = new PickleOptions().decoder();
    PickleViewWriter writer = new PickleViewWriter();
    for (Path p : pickles(BENCH_CORPUS)) {
      assertTrue(assertAgrees(decoder, writer, Files.readAllBytes(p), p.toString()), p + " not handled");
    }
  }

  @Test
  void leavesDatetimeToTheClassicPathWhenTheDecoderAllowsItsOwnDatetime() throws IOException {
    PickleDecoder custom = PickleDecoder.builder().allowGlobal("datetime.datetime").build();
    PickleViewWriter writer = new PickleViewWriter();
    for (int protocol : new int[] {2, 4, 5}) {
      byte[] p = Files.readAllBytes(SCAN_PROFILES.resolve("profile-7.p" + protocol + ".pickle"));
      assertNull(writer.pass().render(custom, p), "protocol " + protocol);
      assertTrue(classic(custom, writer, p).contains("{\"$object\":\"datetime.datetime\""));
    }
    byte[] plain = PickleEncoder.protocol(4).encode(Map.of("a", 1L));
    assertEquals("{\"a\":1}", new String(writer.pass().render(custom, plain), StandardCharsets.UTF_8));
    PickleDecoder codecs = PickleDecoder.builder().allowGlobal("_codecs.encode").build();
    assertNull(writer.pass().render(codecs,
        Files.readAllBytes(SCAN_PROFILES.resolve("bytes.p2.pickle"))));
  }

  @Test
  void writesDatetimesBytesTuplesAndFloatsAsTheClassicPathDoes() {
    PickleDecoder decoder = PickleDecoder.defaults();
    PickleViewWriter writer = new PickleViewWriter();
    Random random = new Random(11);
    int handled = 0;
    for (int i = 0; i < 3_000; i++) {
      LocalDateTime t = LocalDateTime.of(1 + random.nextInt(9999), 1 + random.nextInt(12), 1 + random.nextInt(28),
          random.nextInt(24), random.nextInt(60), random.nextInt(60),
          1_000 * (random.nextBoolean() ? random.nextInt(1_000_000) : random.nextInt(3) * (int) Math.pow(10,
              random.nextInt(6))));
      byte[] bytes = new byte[random.nextInt(8)];
      random.nextBytes(bytes);
      double d = random.nextBoolean() ? random.nextInt(2_000_000) * 0.5 - 500_000 : random.nextInt(1_000) / 1024.0;
      List<Object> v = List.of(t, bytes, dev.cachecompat.pickle.PyTuple.of(d, t), Map.of("k", d));
      for (int protocol = 2; protocol <= 5; protocol++) {
        if (assertAgrees(decoder, writer, PickleEncoder.protocol(protocol).encode(v), v + " at " + protocol)) {
          handled++;
        }
      }
    }
    assertEquals(12_000, handled);
  }

  /** A protocol 2 pickle of a dict of {@code keys} (in this insertion order, duplicates kept) to 0, 1, 2, ... */
  private static byte[] dictPickle(List<String> keys) {
    return dictPickle(keys.stream().map(k -> k.getBytes(StandardCharsets.UTF_8)).toArray(byte[][]::new));
  }

  /** The same, of raw BINUNICODE keys (each under 256 bytes), not necessarily valid UTF-8. */
  static byte[] dictPickle(byte[]... keys) {
    java.io.ByteArrayOutputStream b = new java.io.ByteArrayOutputStream();
    b.write(0x80);
    b.write(2);
    b.write('}');
    b.write('(');
    for (int i = 0; i < keys.length; i++) {
      binunicode(b, keys[i]);
      b.write('K');
      b.write(i);
    }
    b.write('u');
    b.write('.');
    return b.toByteArray();
  }

  /** BINUNICODE of the raw key bytes (under 256 of them). */
  static void binunicode(java.io.ByteArrayOutputStream b, byte[] key) {
    b.write('X');
    b.write(key.length);
    b.write(0);
    b.write(0);
    b.write(0);
    b.write(key, 0, key.length);
  }

  @Test
  void dictsOfTheSameKeyCountWithOtherKeysOrOrdersAcrossRendersAreWrittenAsTheClassicPathWritesThem() {
    PickleDecoder decoder = PickleDecoder.defaults();
    PickleViewWriter writer = new PickleViewWriter(); // one pass for all renders: its remembered orders carry over
    List<List<String>> sequence = List.of(
        List.of("id", "name", "email", "score", "tags", "active", "created", "settings"),
        List.of("id", "name", "email", "score", "tags", "active", "created", "settings"), // the remembered order
        List.of("settings", "created", "active", "tags", "score", "email", "name", "id"), // same keys, reversed
        List.of("id", "name", "email", "score", "tags", "active", "created", "zzz"), // breaks the remembered order
        List.of("id", "name", "email", "score", "tags", "active", "created", "settings"),
        List.of("id", "name", "email", "email", "tags", "active", "created", "settings"), // duplicate key
        List.of("a", "b", "c", "d", "e", "f", "g", "h"),
        List.of("h", "g", "f", "e", "d", "c", "b", "a"),
        List.of("b", "a"), List.of("a", "b"), List.of("a", "a"), List.of("b", "a"),
        List.of("ab", "a", "abc"), List.of("a", "ab", "abc"), List.of("abc", "ab", "ab"), List.of("a", "ab", "abc"));
    for (List<String> keys : sequence) {
      boolean duplicates = keys.stream().distinct().count() < keys.size();
      boolean handled = assertAgrees(decoder, writer, dictPickle(keys), keys.toString());
      assertEquals(!duplicates, handled, keys + " handled");
    }
    // random key sets and orders from a small alphabet, so counts, orders and duplicates repeat and collide
    Random random = new Random(5);
    String[] alphabet = {"a", "b", "ab", "ba", "aa", "b\u00e9", "\u00e9", "\u20ac", "\ud83d\ude00", "z", ""};
    for (int round = 0; round < 20_000; round++) {
      int n = random.nextInt(7);
      List<String> keys = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        keys.add(alphabet[random.nextInt(alphabet.length)]);
      }
      boolean duplicates = keys.stream().distinct().count() < keys.size();
      boolean handled = assertAgrees(decoder, writer, dictPickle(keys), keys.toString());
      assertEquals(!duplicates, handled, keys + " handled");
    }
  }

  @Test
  void leavesWhatItDoesNotHandleToTheClassicPath() {
    PickleDecoder decoder = PickleDecoder.defaults();
    PickleViewPass pass = new PickleViewWriter().pass();
    Map<String, Object> dollar = new LinkedHashMap<>();
    dollar.put("$tuple", 1L);
    List<Object> cyclic = new ArrayList<>();
    cyclic.add(cyclic);
    Map<Object, Object> intKey = new LinkedHashMap<>();
    intKey.put(1L, 2L);
    for (Object v : List.of(dollar, cyclic, intKey, java.math.BigInteger.TWO.pow(70), java.util.Set.of(1L),
        new java.math.BigDecimal("1.5"), LocalDateTime.of(2020, 1, 1, 0, 0).atOffset(java.time.ZoneOffset.UTC),
        java.time.LocalDate.of(2020, 1, 1), java.time.Duration.ofSeconds(5))) {
      byte[] p = PickleEncoder.protocol(4).encode(v);
      assertTrue(decoder.inspector().inspect(p).isValid(), v.toString());
      assertNull(pass.render(decoder, p), v.toString());
    }
    // a duplicate key: the classic path keeps the first position and the last value
    byte[] dup = {(byte) 0x80, 4, '}', '(', (byte) 0x8c, 1, 'a', 'K', 1, (byte) 0x8c, 1, 'a', 'K', 2, 'u', '.'};
    assertTrue(decoder.inspector().inspect(dup).isValid());
    assertNull(pass.render(decoder, dup));
    assertEquals("{\"a\":1}",
        new String(pass.render(decoder, PickleEncoder.protocol(4).encode(Map.of("a", 1L))), StandardCharsets.UTF_8));
  }

  @Test
  void leavesAViewOverTheNodeBudgetToTheClassicPathWhichFailsIt() {
    PickleDecoder decoder = PickleDecoder.defaults();
    List<Object> items = new ArrayList<>();
    for (long i = 0; i < 20; i++) {
      items.add(i);
    }
    byte[] p = PickleEncoder.protocol(4).encode(items);
    PickleViewWriter small = new PickleViewWriter(JsonLines.VALUES, 20);
    assertNull(small.pass().render(decoder, p));
    assertTrue(classic(decoder, small, p).startsWith("error PickleException view-too-large"));
    PickleViewWriter enough = new PickleViewWriter(JsonLines.VALUES, 21);
    assertNotNull(enough.pass().render(decoder, p));
  }

  @Test
  void mutantsThatPassInspectionAreWrittenAsTheClassicPathWritesThemOrLeftToIt() throws IOException {
    PickleDecoder decoder = PickleDecoder.defaults();
    PickleViewWriter writer = new PickleViewWriter();
    List<byte[]> seeds = new ArrayList<>();
    for (Path p : pickles(SCAN_PROFILES)) {
      seeds.add(Files.readAllBytes(p));
    }
    for (Path p : pickles(BENCH_CORPUS)) {
      seeds.add(Files.readAllBytes(p));
    }
    byte[] opcodes = {'(', ')', ']', '}', 'a', 'e', 's', 'u', 't', (byte) 0x85, (byte) 0x86, (byte) 0x87, 'N',
        (byte) 0x88, (byte) 0x89, 'K', 'M', 'J', 'G', (byte) 0x8a, 'X', (byte) 0x8c, 'C', 'B', (byte) 0x94, 'q',
        'h', 'r', 'j', 'R', (byte) 0x93, 'c', '.', '0', '2'};
    Random random = new Random(20261122L);
    int valid = 0;
    int handled = 0;
    for (int i = 0; i < 60_000; i++) {
      byte[] seed = seeds.get(random.nextInt(seeds.size()));
      byte[] m = mutate(seed, random, opcodes);
      if (decoder.inspector().inspect(m).isValid()) {
        valid++;
        if (assertAgrees(decoder, writer, m, "mutant " + i + " " + java.util.HexFormat.of().formatHex(m))) {
          handled++;
        }
      }
    }
    assertTrue(valid > 1000, "valid mutants: " + valid);
    assertTrue(handled > 500, "handled mutants: " + handled);
  }

  static byte[] mutate(byte[] seed, Random random, byte[] opcodes) {
    byte[] m = seed.clone();
    int edits = 1 + random.nextInt(3);
    for (int k = 0; k < edits && m.length > 2; k++) {
      int at = random.nextInt(m.length - 1);
      switch (random.nextInt(5)) {
        case 0 -> m[at] = (byte) random.nextInt(256);
        case 1 -> m[at] = opcodes[random.nextInt(opcodes.length)];
        case 2 -> m[at] ^= (byte) (1 << random.nextInt(8));
        case 3 -> { // delete a byte
          byte[] n = new byte[m.length - 1];
          System.arraycopy(m, 0, n, 0, at);
          System.arraycopy(m, at + 1, n, at, m.length - at - 1);
          m = n;
        }
        default -> { // duplicate a short range
          int len = Math.min(1 + random.nextInt(6), m.length - at);
          byte[] n = new byte[m.length + len];
          System.arraycopy(m, 0, n, 0, at + len);
          System.arraycopy(m, at, n, at + len, m.length - at);
          m = n;
        }
      }
    }
    return m;
  }
}
