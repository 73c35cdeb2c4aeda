package dev.cachecompat.verifier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real launcher with a 64 MiB heap, fed resource bombs and CPython's malformed corpus: one clean JSON line
 * per file, nothing on stderr, no stack trace, and the good file after them still decoded.
 */
class HostileInputIT {
  static final ObjectMapper JSON = new ObjectMapper();

  static byte[] bytes(int... b) {
    byte[] out = new byte[b.length];
    for (int i = 0; i < b.length; i++) {
      out[i] = (byte) b[i];
    }
    return out;
  }

  static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.writeBytes(p);
    }
    return out.toByteArray();
  }

  static byte[] repeat(String s, int n) {
    return s.repeat(n).getBytes(StandardCharsets.ISO_8859_1);
  }

  @Test
  void decodeSurvivesBombsInA64MebibyteHeap(@TempDir Path dir) throws Exception {
    // BINBYTES8 claiming 2^40 bytes; BINBYTES claiming 4 GiB - 1; LONG4 claiming 2 GiB.
    Files.write(dir.resolve("01-binbytes8.pickle"), bytes(0x80, 4, 0x8e, 0, 0, 0, 0, 0, 1, 0, 0, '.'));
    Files.write(dir.resolve("02-binbytes.pickle"), bytes('B', 0xff, 0xff, 0xff, 0xff));
    Files.write(dir.resolve("03-long4.pickle"), bytes(0x80, 2, 0x8b, 0, 0, 0, 0x80, '.'));
    // A million MARKs, and a million nested lists.
    Files.write(dir.resolve("04-marks.pickle"), repeat("(", 1_000_000));
    Files.write(dir.resolve("05-nested.pickle"), concat(repeat("(", 500_000), repeat("l", 500_000), repeat(".", 1)));
    // Billion laughs: each level a list of ten references to the level below.
    ByteArrayOutputStream laughs = new ByteArrayOutputStream();
    laughs.writeBytes(bytes(0x80, 2, ']', 'q', 0));
    for (int level = 1; level < 12; level++) {
      laughs.writeBytes(bytes(']', 'q', level, '('));
      for (int i = 0; i < 10; i++) {
        laughs.writeBytes(bytes('h', level - 1));
      }
      laughs.writeBytes(bytes('e'));
    }
    laughs.writeBytes(bytes('.'));
    Files.write(dir.resolve("06-laughs.pickle"), laughs.toByteArray());
    // A 100,000-digit INT literal.
    Files.write(dir.resolve("07-int.pickle"), concat(repeat("I", 1), repeat("9", 100_000), repeat("\n.", 1)));
    // CPython's own malformed inputs.
    Path corpus = Path.of("../pickle-codec/src/test/resources/malformed");
    try (Stream<Path> files = Files.list(corpus)) {
      for (Path f : (Iterable<Path>) files.filter(p -> p.toString().endsWith(".pickle")).sorted()::iterator) {
        Files.copy(f, dir.resolve("50-" + f.getFileName()));
      }
    }
    Files.copy(PickleCommandsTest.DEMO.resolve("py313-feed-p4.pickle"), dir.resolve("99-good.pickle"));
    long expected;
    try (Stream<Path> s = Files.list(dir)) {
      expected = s.count();
    }

    LauncherIT.Run r = LauncherIT.launch(List.of("JAVA_OPTS=-Xmx64m"), "decode", dir.toString());
    assertEquals(1, r.status(), r.err());
    assertEquals("", r.err());
    String[] lines = r.out().split("\n");
    assertEquals(expected, lines.length);
    for (int i = 0; i < lines.length - 1; i++) {
      JsonNode l = JSON.readTree(lines[i]);
      assertFalse(l.get("ok").asBoolean(), lines[i]);
      String verdict = l.get("verdict").asText();
      // Some of CPython's malformed cases also name a global off the allowlist: unsafe comes first then.
      assertTrue(List.of("malformed", "over-limit", "unsafe").contains(verdict), lines[i]);
      assertFalse(l.get("error").get("message").asText().isEmpty(), lines[i]);
    }
    assertTrue(JSON.readTree(lines[lines.length - 1]).get("ok").asBoolean(), lines[lines.length - 1]);
  }
}
