package dev.cachecompat.verifier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JsonCommandTest {
  static final Path DEMO = PickleCommandsTest.DEMO;
  static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void canonicalizeOneInputWritesTheBytesPythonWouldWithoutANewline() throws IOException {
    Cli r = Cli.run("json", "canonicalize", DEMO.resolve("py27-profile-unsorted.json").toString());
    assertEquals(0, r.status(), r.err());
    // The same document as Python 3.13 wrote it with sort_keys=True (the sample beside it).
    assertEquals(Files.readString(DEMO.resolve("py313-profile-canonical.json")), r.out());
  }

  @Test
  void canonicalizeCompactAndRawUtf8() {
    byte[] in = "{\"b\": 1.0E16, \"a\": \"\u00e9\"}".getBytes(StandardCharsets.UTF_8);
    Cli r = Cli.run(in, "json", "canonicalize", "--compact", "--ensure-ascii=false", "-");
    assertEquals("{\"a\":\"\u00e9\",\"b\":1e+16}", r.out());
  }

  @Test
  void canonicalizeRfc8785() {
    byte[] in = "{\"b\": 1.0E21, \"a\": -0.0, \"c\": 100.0}".getBytes(StandardCharsets.UTF_8);
    Cli r = Cli.run(in, "json", "canonicalize", "--style=rfc8785", "-");
    assertEquals("{\"a\":0,\"b\":1e+21,\"c\":100}", r.out());
  }

  @Test
  void jsonlKeepsGoingAfterBadInput(@TempDir Path dir) throws IOException {
    Files.writeString(dir.resolve("a.json"), "{\"x\": [1, 2");
    Files.writeString(dir.resolve("b.json"), "[3, 1]");
    Cli r = Cli.run("json", "canonicalize", "--jsonl", dir.toString());
    assertEquals(1, r.status());
    JsonNode a = JSON.readTree(r.outLines()[0]);
    assertFalse(a.get("ok").asBoolean());
    assertEquals(11, a.get("error").get("offset").asInt(), a.toString());
    JsonNode b = JSON.readTree(r.outLines()[1]);
    assertEquals("[3, 1]", b.get("canonical").asText());
  }

  @Test
  void oneBadInputSaysWhereOnOneLine() {
    Cli r = Cli.run("{\"a\":".getBytes(StandardCharsets.UTF_8), "json", "canonicalize", "-");
    assertEquals(1, r.status());
    assertEquals("", r.out());
    assertEquals(1, r.err().split("\n").length, r.err());
    assertTrue(r.err().startsWith("cachecompat: -: "), r.err());
    assertTrue(r.err().contains("offset 5"), r.err());
  }

  @Test
  void checkFindsUnsortedKeysWithOffsetsAndExitsOne() throws IOException {
    Cli r = Cli.run("json", "check", DEMO.resolve("py27-profile-unsorted.json").toString(),
        DEMO.resolve("py313-profile-canonical.json").toString());
    assertEquals(1, r.status());
    JsonNode unsorted = JSON.readTree(r.outLines()[0]);
    assertFalse(unsorted.get("canonical").asBoolean());
    assertEquals("keys-not-sorted", unsorted.get("findings").get(0).get("code").asText());
    assertTrue(unsorted.get("findings").get(0).get("offset").asInt() > 0);
    JsonNode canonical = JSON.readTree(r.outLines()[1]);
    assertTrue(canonical.get("canonical").asBoolean());
    assertEquals(0, canonical.get("findings").size());
  }

  @Test
  void checkOfCanonicalInputExitsZero() {
    Cli r = Cli.run("{\"a\": 1}".getBytes(StandardCharsets.UTF_8), "json", "check", "-");
    assertEquals(0, r.status(), r.out());
  }

  @Test
  void unknownStyleIsAUsageError() {
    Cli r = Cli.run("json", "check", "--style=yaml", "x");
    assertEquals(2, r.status());
    assertEquals("cachecompat: --style must be python or rfc8785: 'yaml'\n", r.err());
  }
}
