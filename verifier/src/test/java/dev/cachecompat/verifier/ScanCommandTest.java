package dev.cachecompat.verifier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** scan on the bundled dumps that real Python 2.7 and 3.13 workers wrote (scripts/gen-demo-dumps.sh). */
class ScanCommandTest {
  static final String DUMPS = "src/main/resources/dev/cachecompat/verifier/demo-dumps/";
  static final ObjectMapper JSON = new ObjectMapper();

  static Map<String, JsonNode> byKey(Cli r) throws IOException {
    Map<String, JsonNode> m = new HashMap<>();
    String[] lines = r.outLines();
    for (int i = 0; i < lines.length - 1; i++) {
      JsonNode l = JSON.readTree(lines[i]);
      m.put(l.get("key").asText(), l);
    }
    return m;
  }

  static Cli scan(String file, String... extra) {
    String[] base = {"scan", "--format=jsonl", DUMPS + file, "--namespace", "shop:2", "--expect", "shop:2=2.7",
        "--namespace", "shop:3", "--expect", "shop:3=3.8"};
    String[] args = new String[base.length + extra.length];
    System.arraycopy(base, 0, args, 0, base.length);
    System.arraycopy(extra, 0, args, base.length, extra.length);
    return Cli.run(args);
  }

  @Test
  void rdbScanFindsThePlantedEntriesAndExitsOne() throws IOException {
    Cli r = scan("cache.rdb");
    assertEquals(1, r.status(), r.err());
    Map<String, JsonNode> keys = byKey(r);
    assertEquals(19, keys.size());
    JsonNode wrongNs = keys.get("shop:2:user:99");
    assertFalse(wrongNs.get("ok").asBoolean());
    assertEquals("valid", wrongNs.get("verdict").asText());
    assertEquals(5, wrongNs.get("protocol").asInt());
    assertEquals("3.8", wrongNs.get("min_python").asText());
    assertEquals("unreadable-by-readers", wrongNs.get("findings").get(0).get("code").asText());
    assertEquals("unsafe", keys.get("shop:3:evil").get("verdict").asText());
    assertEquals("malformed", keys.get("shop:3:feed:truncated").get("verdict").asText());
    JsonNode user = keys.get("shop:2:user:1");
    assertTrue(user.get("ok").asBoolean(), user.toString());
    assertEquals("shop", user.get("namespace").get("prefix").asText());
    assertEquals(2, user.get("namespace").get("version").asInt());
    assertEquals("user:1", user.get("user_key").asText());
    assertTrue(user.get("flags").isNull());
    JsonNode summary = JSON.readTree(r.outLines()[r.outLines().length - 1]).get("summary");
    assertEquals(19, summary.get("keys").asInt());
    assertEquals(1, summary.get("unsafe").asInt());
    assertEquals(1, summary.get("malformed").asInt());
    assertEquals(1, summary.get("unreadable_by_readers").asInt());
    assertEquals("shop:2:user:99", summary.get("unreadable").get(0).get("key").asText());
    assertTrue(summary.get("keys_per_s").asLong() > 0);
  }

  @Test
  void memcachedDumpKeepsThePythonClientFlags() throws IOException {
    Cli r = scan("memcached.dump");
    assertEquals(1, r.status(), r.err());
    Map<String, JsonNode> keys = byKey(r);
    assertEquals(19, keys.size());
    for (JsonNode l : keys.values()) {
      long flags = l.get("flags").asLong();
      String format = l.get("format").asText();
      if (flags == 1) {
        assertEquals("pickle", format, l.toString());
      } else if (flags == 2) {
        assertEquals("int", format, l.toString());
        assertTrue(l.get("value").isIntegralNumber(), l.toString());
      } else if (flags == 16) {
        assertTrue(format.equals("text") || format.equals("json"), l.toString());
      } else {
        assertEquals(0, flags, l.toString());
      }
    }
    assertEquals("json", keys.get("shop:3:config").get("format").asText());
  }

  @Test
  void jsonValuesSayWhetherTheyAreInPythonsCanonicalForm(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
      throws IOException {
    java.nio.file.Path demo = PickleCommandsTest.DEMO;
    java.nio.file.Files.copy(demo.resolve("py27-profile-unsorted.json"), dir.resolve("unsorted"));
    java.nio.file.Files.copy(demo.resolve("py313-profile-canonical.json"), dir.resolve("sorted"));
    Cli r = Cli.run("scan", "--format=jsonl", "--key-scheme=none", dir.toString());
    assertEquals(0, r.status(), r.err());
    Map<String, JsonNode> keys = byKey(r);
    JsonNode unsorted = keys.get("unsorted");
    assertEquals("json", unsorted.get("format").asText());
    assertEquals("json-not-canonical", unsorted.get("findings").get(0).get("code").asText());
    assertEquals(4217, unsorted.get("value").get("id").asInt());
    JsonNode sorted = keys.get("sorted");
    assertEquals("json", sorted.get("format").asText());
    assertEquals(0, sorted.get("findings").size(), sorted.toString());
  }

  @Test
  void aValueWhoseViewIsTooDeepForJsonFailsThatKeyAndTheScanGoesOn(@org.junit.jupiter.api.io.TempDir
      java.nio.file.Path dir) throws IOException {
    java.nio.file.Files.write(dir.resolve("deep"), PickleCommandsTest.tuplesNestedForAViewTooDeep());
    java.nio.file.Files.copy(PickleCommandsTest.DEMO.resolve("py313-feed-p4.pickle"), dir.resolve("feed"));
    Cli r = Cli.run("scan", "--format=jsonl", "--key-scheme=none", dir.toString());
    assertEquals(1, r.status(), r.err());
    Map<String, JsonNode> keys = byKey(r);
    JsonNode deep = keys.get("deep");
    assertFalse(deep.get("ok").asBoolean(), deep.toString());
    assertEquals("over-limit", deep.get("verdict").asText());
    assertEquals("too-deep", deep.get("findings").get(0).get("code").asText());
    assertTrue(keys.get("feed").get("ok").asBoolean());
    Cli table = Cli.run("scan", "--format=table", "--key-scheme=none", dir.toString());
    assertEquals(1, table.status(), table.err());
    assertTrue(table.out().contains("over-limit  deep: the value's JSON view: value nests deeper"), table.out());
  }

  @Test
  void sampleStopsEarly() throws IOException {
    Cli r = scan("cache.rdb", "--sample=5");
    assertEquals(6, r.outLines().length);
    assertEquals(5, JSON.readTree(r.outLines()[5]).get("summary").get("keys").asInt());
  }

  @Test
  void tableSaysWhatNeedsAttention() {
    Cli r = Cli.run("scan", DUMPS + "cache.rdb", "--expect", "shop:2=2.7", "--expect", "shop:3=3.8");
    assertEquals(1, r.status());
    assertTrue(r.out().contains("shop:2           2.7      pickle  5         unreadable         1"), r.out());
    assertTrue(r.out().contains("unsafe      shop:3:evil: GLOBAL at offset 2 references posix.system"), r.out());
  }

  @Test
  void demoScansTheBundledDumpsAndExitsZero() {
    Cli r = Cli.run("demo");
    assertEquals(0, r.status(), r.err());
    assertTrue(r.out().contains("38 keys: 32 ok, 2 unsafe, 2 malformed, 0 over limit, 2 unreadable"), r.out());
  }

  @Test
  void badOptionsAreUsageErrors() {
    assertEquals("cachecompat: --key-scheme must be django, prefix or none: 'x'\n",
        Cli.run("scan", "--key-scheme=x", DUMPS + "cache.rdb").err());
    assertEquals("cachecompat: --expect must be PREFIX:VERSION=PYTHON, e.g. shop:2=2.7: 'shop:2'\n",
        Cli.run("scan", "--expect=shop:2", DUMPS + "cache.rdb").err());
    Cli bad = Cli.run("scan", "ftp://x");
    assertEquals(2, bad.status());
    assertTrue(bad.err().startsWith("cachecompat: bad source ftp://x"), bad.err());
  }
}
