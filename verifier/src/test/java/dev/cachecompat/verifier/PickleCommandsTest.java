package dev.cachecompat.verifier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** inspect and decode, in-process, on the samples real Python 2.7 and 3.13 wrote. */
class PickleCommandsTest {
  static final Path DEMO = Path.of("src/main/resources/dev/cachecompat/verifier/demo");
  static final ObjectMapper JSON = new ObjectMapper();

  static JsonNode line(String text) throws IOException {
    return JSON.readTree(text);
  }

  @Test
  void inspectReportsProtocolOldestPythonAndGlobals() throws IOException {
    Cli r = Cli.run("inspect", DEMO.resolve("py313-profile-p2-nofix.pickle").toString());
    assertEquals(0, r.status(), r.err());
    JsonNode l = line(r.out());
    assertEquals("pickle", l.get("format").asText());
    assertEquals("valid", l.get("verdict").asText());
    assertEquals(2, l.get("protocol").asInt());
    assertEquals("3.0", l.get("min_python").asText(), "builtins.set does not load on 2.7");
    assertTrue(l.get("globals").toString().contains("builtins.set"), l.toString());
  }

  @Test
  void inspectOfADirectoryIsEverySampleSortedAndExitsOneOnFindings() throws IOException {
    Cli r = Cli.run("inspect", DEMO.toString());
    assertEquals(1, r.status());
    String[] lines = r.outLines();
    try (var files = Files.list(DEMO)) {
      assertEquals(files.count(), lines.length);
    }
    String previous = "";
    for (String text : lines) {
      String file = line(text).get("file").asText();
      assertTrue(file.compareTo(previous) > 0, file + " after " + previous);
      previous = file;
    }
    JsonNode evil = line(r.out().lines().filter(s -> s.contains("evil")).findFirst().orElseThrow());
    assertEquals("unsafe", evil.get("verdict").asText());
    assertEquals("dangerous-global", evil.get("findings").get(0).get("code").asText());
    assertEquals(2, evil.get("findings").get(0).get("offset").asInt());
  }

  @Test
  void inspectReadsStandardInput() throws IOException {
    byte[] pickle = Files.readAllBytes(DEMO.resolve("py313-feed-p4.pickle"));
    Cli r = Cli.run(pickle, "inspect", "-");
    assertEquals(0, r.status(), r.err());
    assertEquals("-", line(r.out()).get("file").asText());
    assertEquals("3.4", line(r.out()).get("min_python").asText());
  }

  @Test
  void decodeKeepsGoingAfterABadFileAndSaysWhy(@TempDir Path dir) throws IOException {
    Files.copy(DEMO.resolve("py313-feed-truncated.pickle"), dir.resolve("a.pickle"));
    Files.copy(DEMO.resolve("py313-feed-p4.pickle"), dir.resolve("b.pickle"));
    Cli r = Cli.run("decode", dir.toString());
    assertEquals(1, r.status());
    String[] lines = r.outLines();
    assertEquals(2, lines.length);
    JsonNode bad = line(lines[0]);
    assertFalse(bad.get("ok").asBoolean());
    assertEquals("malformed", bad.get("verdict").asText());
    assertEquals("truncated", bad.get("error").get("code").asText());
    assertEquals("FRAME at offset 2 claims 731 bytes but 360 remain", bad.get("error").get("message").asText());
    JsonNode good = line(lines[1]);
    assertTrue(good.get("ok").asBoolean());
    assertEquals(4, good.get("protocol").asInt());
    assertEquals(20, good.get("value").size());
    assertEquals("post number 0 \uD83D\uDE00", good.get("value").get(0).get("text").asText());
  }

  /**
   * 600 tuples, each inside the next: the decoder's nesting stays at one stack level, but the view wraps each tuple
   * in {@code {"$tuple": [...]}}, 1,200 levels against the JSON limit of 1,000. CPython loads it.
   */
  static byte[] tuplesNestedForAViewTooDeep() {
    byte[] p = new byte[2 + 1 + 600 + 1];
    p[0] = (byte) 0x80; // PROTO 2
    p[1] = 2;
    p[2] = ')'; // EMPTY_TUPLE
    java.util.Arrays.fill(p, 3, 603, (byte) 0x85); // TUPLE1, 600 times
    p[603] = '.'; // STOP
    return p;
  }

  @Test
  void decodeOfAViewTooDeepForJsonIsThatFilesErrorAndTheNextFileIsDecoded(@TempDir Path dir) throws IOException {
    Files.write(dir.resolve("a.pickle"), tuplesNestedForAViewTooDeep());
    Files.copy(DEMO.resolve("py313-feed-p4.pickle"), dir.resolve("b.pickle"));
    Cli r = Cli.run("decode", dir.toString());
    assertEquals(1, r.status(), r.err());
    String[] lines = r.outLines();
    assertEquals(2, lines.length, r.out() + r.err());
    JsonNode deep = line(lines[0]);
    assertFalse(deep.get("ok").asBoolean());
    assertEquals("over-limit", deep.get("verdict").asText());
    assertEquals("too-deep", deep.get("error").get("code").asText());
    assertTrue(deep.get("error").get("message").asText().startsWith("the value's JSON view: "), deep.toString());
    assertTrue(line(lines[1]).get("ok").asBoolean());
  }

  @Test
  void decodeAppliesThePython2StrPolicy() throws IOException {
    String file = DEMO.resolve("py27-profile-p2.pickle").toString();
    JsonNode bytes = line(Cli.run("decode", file).out()).get("value");
    assertTrue(bytes.has("$dict"), "Python 2 str keys stay bytes by default: " + bytes);
    JsonNode latin1 = line(Cli.run("decode", "--py2-str=latin1", file).out()).get("value");
    assertEquals(4217, latin1.get("id").asInt());
    assertEquals("zoe@example.com", latin1.get("email").asText());
    assertEquals("12.50", latin1.get("balance").get("$decimal").asText());
    assertEquals("2014-03-04T05:06:07.891011", latin1.get("joined").get("$datetime").asText());
    Cli utf8 = Cli.run("decode", "--py2-str=utf8", file);
    assertEquals(1, utf8.status());
    assertEquals("py2-str-undecodable", line(utf8.out()).get("error").get("code").asText());
  }

  @Test
  void decodeRefusesUnsafePicklesWithoutLoadingThem() throws IOException {
    Cli r = Cli.run("decode", DEMO.resolve("py313-evil-os-system.pickle").toString());
    assertEquals(1, r.status());
    JsonNode l = line(r.out());
    assertEquals("unsafe", l.get("verdict").asText());
    assertTrue(l.get("error").get("message").asText().contains("posix.system"), l.toString());
  }

  @Test
  void missingFileIsAnIoErrorLineAndExitTwo() throws IOException {
    Cli r = Cli.run("decode", "/no/such/file.pickle", DEMO.resolve("py313-feed-p4.pickle").toString());
    assertEquals(2, r.status());
    assertEquals("no such file: /no/such/file.pickle", line(r.outLines()[0]).get("error").get("message").asText());
    assertTrue(line(r.outLines()[1]).get("ok").asBoolean());
  }

  @Test
  void badPolicyIsAUsageError() {
    Cli r = Cli.run("decode", "--py2-str=ebcdic", "x");
    assertEquals(2, r.status());
    assertEquals("cachecompat: --py2-str must be bytes, latin1, utf8 or ascii: 'ebcdic'\n", r.err());
  }
}
