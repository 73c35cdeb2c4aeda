package dev.cachecompat.verifier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.util.RawValue;
import dev.cachecompat.core.Finding;
import dev.cachecompat.core.PythonVersion;
import dev.cachecompat.core.Severity;
import dev.cachecompat.core.Verdict;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** ScanLine writes exactly what Jackson wrote for the line's object tree before it. */
class ScanLineTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  static String jackson(EntryClassifier.Result r) throws Exception {
    return MAPPER.writeValueAsString(jacksonLine(r));
  }

  /** The bytes the scan writes: what printing Jackson's line with a UTF-8 PrintStream wrote before. */
  static void assertSameBytes(EntryClassifier.Result r, String context) throws Exception {
    ScanLine.Bytes out = new ScanLine.Bytes();
    ScanLine.write(out, r);
    assertEquals(HexFormat.of().formatHex((jackson(r) + "\n").getBytes(StandardCharsets.UTF_8)),
        HexFormat.of().formatHex(out.toByteArray()), context);
  }

  @Test
  void everyEntryOfTheDemoDumpsIsWrittenAsJacksonWroteIt() throws Exception {
    EntryClassifier classifier = new EntryClassifier(new PickleOptions().decoder(),
        new NamespaceResolver(NamespaceResolver.scheme("django"), List.of("shop:2", "shop:3"),
            List.of("shop:2=2.7", "shop:3=3.8")));
    List<EntryClassifier.Result> results = new ArrayList<>();
    for (String dump : List.of("cache.rdb", "memcached.dump")) {
      try (ScanSource s = SourceUri.parse(ScanCommandTest.DUMPS + dump).open(SourceOptions.defaults())) {
        s.forEach(e -> results.add(classifier.classify(e)));
      }
    }
    assertTrue(results.size() > 30, "entries: " + results.size());
    assertTrue(results.stream().anyMatch(r -> !r.findings().isEmpty()), "some entry has findings");
    assertTrue(results.stream().anyMatch(r -> r.flags() != null), "some entry has flags");
    for (EntryClassifier.Result r : results) {
      assertSameBytes(r, r.key());
    }
  }

  @Test
  void everyControlCharacterQuoteBackslashAndNonAsciiCharacterIsEscapedAsJacksonDoes() throws Exception {
    StringBuilder all = new StringBuilder();
    for (char c = 0; c < 0x100; c++) {
      all.append(c);
    }
    all.append("\u2028\u2029\uffff\ud83d\ude00 tail \ud800 lone");
    String s = all.toString();
    EntryClassifier.Result r = result(s, new NamespaceResolver.Ns(s, null), null, -1,
        List.of(new Finding("c" + s, Severity.ERROR, 17, s), new Finding("x", Severity.INFO, Finding.NO_OFFSET, "")));
    assertSameBytes(r, "all characters");
  }

  @Test
  void randomStringsAndNullsAreWrittenAsJacksonWritesThem() throws Exception {
    Random random = new Random(6);
    for (int i = 0; i < 2000; i++) {
      String key = randomString(random);
      NamespaceResolver.Ns ns = random.nextBoolean() ? null
          : new NamespaceResolver.Ns(randomString(random), random.nextBoolean() ? null : random.nextInt());
      List<Finding> findings = new ArrayList<>();
      for (int f = random.nextInt(3); f > 0; f--) {
        findings.add(new Finding(randomString(random), Severity.values()[random.nextInt(Severity.values().length)],
            random.nextBoolean() ? Finding.NO_OFFSET : random.nextInt(1 << 20), randomString(random)));
      }
      EntryClassifier.Result r = result(key, ns, random.nextBoolean() ? null : randomString(random),
          random.nextBoolean() ? null : random.nextInt(), findings);
      assertSameBytes(r, "case " + i);
    }
  }

  @Test
  void everyFormatOkVerdictAndNumberIsWrittenAsJacksonWritesIt() throws Exception {
    // the line's constant parts are precomputed per format, ok and verdict: every combination, and formats
    // outside the table, against Jackson; numbers over their whole range (written without Long.toString)
    Random random = new Random(7);
    List<String> formats = List.of("pickle", "json", "text", "int", "bytes", "other", "", "p\u00e9ckle", "x\"y");
    long[] edges = {0, 9, 10, 99, 100, Integer.MAX_VALUE, Long.MAX_VALUE, -1, -9, -10, Long.MIN_VALUE + 1,
        Long.MIN_VALUE};
    int n = 0;
    for (String format : formats) {
      for (boolean ok : new boolean[] {true, false}) {
        for (Verdict verdict : Verdict.values()) {
          for (int i = 0; i < 8; i++, n++) {
            long ttl = i < 4 ? edges[(n + i) % edges.length] : random.nextLong() >> random.nextInt(64);
            NamespaceResolver.Ns ns = switch (i % 3) {
              case 0 -> null;
              case 1 -> new NamespaceResolver.Ns("app", random.nextBoolean() ? null : (int) (ttl >> 32));
              default -> new NamespaceResolver.Ns(randomString(random), random.nextInt());
            };
            EntryClassifier.Result r = new EntryClassifier.Result(randomString(random), ns, null,
                randomString(random), i % 2 == 0 ? null : (int) ttl, format, ok, verdict,
                i % 4 == 0 ? null : (int) (ttl % 1000), i % 4 == 1 ? null
                : i % 4 == 2 ? PythonVersion.PY2_7 : new PythonVersion(3, (int) Math.abs(ttl % 1000)),
                i % 5 == 0 ? null : "[1]".getBytes(StandardCharsets.UTF_8), i % 3 == 2 ? null : ttl, List.of(),
                false);
            assertSameBytes(r, format + " " + ok + " " + verdict + " " + ttl);
          }
        }
      }
    }
  }

  @Test
  void keysWrittenFromTheirRawBytesAreTheKeysWrittenFromTheirStrings() throws Exception {
    // the raw-byte path against the escaped String path (and Jackson) for keys as the scan classifies them:
    // printable ASCII, quote, backslash, control bytes, DEL, UTF-8, invalid UTF-8; under every key scheme
    Random random = new Random(8);
    List<NamespaceResolver> resolvers = List.of(
        new NamespaceResolver(NamespaceResolver.Scheme.DJANGO, List.of(), List.of("app:3=3.8")),
        new NamespaceResolver(NamespaceResolver.Scheme.DJANGO, List.of("app:3"), List.of()),
        new NamespaceResolver(NamespaceResolver.Scheme.PREFIX, List.of("app", "app:3:", "\u00e9"), List.of()),
        new NamespaceResolver(NamespaceResolver.Scheme.NONE, List.of(), List.of()));
    byte[][] pieces = {"app:3:".getBytes(StandardCharsets.UTF_8), "user:12".getBytes(StandardCharsets.UTF_8),
        {'"'}, {'\\'}, {0}, {'\n'}, {0x1f}, {0x7f}, {' '}, "\u00e9".getBytes(StandardCharsets.UTF_8),
        "\ud83d\ude00".getBytes(StandardCharsets.UTF_8), {(byte) 0xff}, {(byte) 0xc3}, {(byte) 0x80}, {':'}};
    int raw = 0;
    for (int i = 0; i < 3000; i++) {
      java.io.ByteArrayOutputStream key = new java.io.ByteArrayOutputStream();
      for (int n = random.nextInt(6); n > 0; n--) {
        byte[] piece = random.nextInt(3) == 0 ? pieces[random.nextInt(pieces.length)]
            : new byte[] {(byte) (0x20 + random.nextInt(0x5f))};
        key.write(piece, 0, piece.length);
      }
      byte[] k = key.toByteArray();
      EntryClassifier classifier = new EntryClassifier(new PickleOptions().decoder(), resolvers.get(i % 4));
      EntryClassifier.Result r = classifier.classify(RawEntry.of(k, "[1]".getBytes(StandardCharsets.US_ASCII),
          null, null, "string"));
      ScanLine.Bytes fromRaw = new ScanLine.Bytes(16);
      ScanLine.write(fromRaw, r, k);
      ScanLine.Bytes fromString = new ScanLine.Bytes();
      ScanLine.write(fromString, r);
      assertEquals(HexFormat.of().formatHex(fromString.toByteArray()), HexFormat.of().formatHex(fromRaw.toByteArray()),
          HexFormat.of().formatHex(k));
      assertSameBytes(r, r.key());
      raw += ScanLine.isPlain(k) ? 1 : 0;
    }
    assertTrue(raw > 500 && raw < 2500, "keys written from their bytes: " + raw);
  }

  private static EntryClassifier.Result result(String key, NamespaceResolver.Ns ns, String userKey, Integer flags,
      List<Finding> findings) {
    ObjectNode value = JsonNodeFactory.instance.objectNode();
    value.put("k\u00e9y", 1.5).put("s", key).putArray("a").add(-7L).add(true).addNull();
    return new EntryClassifier.Result(key, ns, PythonVersion.parse("2.7"), userKey, flags, "pickle", false,
        Verdict.UNSAFE, 4, PythonVersion.parse("3.4"), JsonLines.valueBytes(value), 12L, findings, true);
  }

  private static String randomString(Random random) {
    StringBuilder b = new StringBuilder();
    for (int n = random.nextInt(12); n > 0; n--) {
      switch (random.nextInt(4)) {
        case 0 -> b.append((char) random.nextInt(0x40));
        case 1 -> b.append((char) (0x20 + random.nextInt(0x60)));
        case 2 -> b.append((char) random.nextInt(0x10000));
        default -> b.appendCodePoint(0x10000 + random.nextInt(0x100000));
      }
    }
    return b.toString();
  }

  /** The line as the scan wrote it before ScanLine: Jackson over an object tree. */
  static ObjectNode jacksonLine(EntryClassifier.Result r) {
    ObjectNode l = JsonLines.object();
    l.put("key", r.key());
    if (r.namespace() == null) {
      l.putNull("namespace");
    } else {
      ObjectNode ns = l.putObject("namespace");
      ns.put("prefix", r.namespace().prefix());
      if (r.namespace().version() == null) {
        ns.putNull("version");
      } else {
        ns.put("version", r.namespace().version());
      }
    }
    l.put("user_key", r.userKey());
    if (r.flags() == null) {
      l.putNull("flags");
    } else {
      l.put("flags", Integer.toUnsignedLong(r.flags()));
    }
    l.put("format", r.format());
    l.put("ok", r.ok());
    l.put("verdict", r.verdict().label());
    if (r.protocol() == null) {
      l.putNull("protocol");
    } else {
      l.put("protocol", r.protocol());
    }
    if (r.minPython() == null) {
      l.putNull("min_python");
    } else {
      l.put("min_python", r.minPython().toString());
    }
    if (r.value() == null) {
      l.putNull("value");
    } else {
      l.putRawValue("value", new RawValue(new String(r.value(), StandardCharsets.UTF_8)));
    }
    if (r.ttlSeconds() == null) {
      l.putNull("ttl_s");
    } else {
      l.put("ttl_s", r.ttlSeconds());
    }
    l.set("findings", JsonLines.findings(r.findings()));
    return l;
  }

}
