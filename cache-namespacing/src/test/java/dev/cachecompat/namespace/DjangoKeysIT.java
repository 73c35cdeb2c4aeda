package dev.cachecompat.namespace;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cachecompat.testsupport.PythonInterpreter;
import dev.cachecompat.testsupport.Pythons;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Our key schemes and hashing policy against Django's and the documented Python function, run in CPython. */
class DjangoKeysIT {
  private static final ObjectMapper JSON = new ObjectMapper();

  static List<String> sampleKeys() {
    List<String> keys = new ArrayList<>(List.of("", "k", "cart:7", "{user:42}:feed", "caf\u00e9",
        "\u65e5\u672c\u8a9e", "emoji\uD83D\uDE00", "a b", "tab\tkey", "x".repeat(260), "\u00e9".repeat(130),
        "colon:::", "100%", "del\u007f"));
    Random r = new Random(7);
    int[] alphabet = {'a', 'Z', '0', ':', '-', '_', '.', ' ', '{', '}', 0xe9, 0x4e2d, 0x1F600, 0x7f, 0x0a};
    for (int i = 0; i < 200; i++) {
      StringBuilder b = new StringBuilder();
      int n = r.nextInt(i % 10 == 0 ? 300 : 30);
      for (int j = 0; j < n; j++) {
        b.appendCodePoint(alphabet[r.nextInt(alphabet.length)]);
      }
      keys.add(b.toString());
    }
    return keys;
  }

  @Test
  void djangoSchemeMatchesDefaultKeyFuncAndMakeKey() throws Exception {
    PythonInterpreter py = Pythons.system("django");
    List<String> keys = sampleKeys();
    String[][] prefixes = {{"", "1"}, {"shop", "2"}, {"app\u00e9", "37"}, {"p:q", "-1"}};
    StringBuilder in = new StringBuilder();
    List<String> expected = new ArrayList<>();
    List<Boolean> valid = new ArrayList<>();
    for (String[] p : prefixes) {
      KeyScheme scheme = KeyScheme.django(p[0], Integer.parseInt(p[1]));
      for (String k : keys) {
        in.append(JSON.writeValueAsString(List.of(k, p[0], Integer.parseInt(p[1])))).append('\n');
        String raw = scheme.rawKey(k);
        expected.add(raw);
        // Django counts characters, memcached (and MemcachedKeyPolicy) bytes of UTF-8
        boolean overInBytesOnly = raw.length() <= 250 && raw.getBytes(StandardCharsets.UTF_8).length > 250
            && raw.codePoints().noneMatch(c -> c < 33 || c == 127);
        valid.add(MemcachedKeyPolicy.isValid(raw) || overInBytesOnly);
        assertEquals(k, scheme.logicalKey(raw));
      }
    }
    String out = new String(py.runChecked(PythonScripts.load("django_keys.py"),
        in.toString().getBytes(StandardCharsets.UTF_8)), StandardCharsets.UTF_8);
    String[] lines = out.split("\n");
    assertEquals(expected.size(), lines.length);
    for (int i = 0; i < lines.length; i++) {
      List<?> row = JSON.readValue(lines[i], List.class);
      assertEquals(expected.get(i), row.get(0), "default_key_func, line " + i);
      assertEquals(expected.get(i), row.get(1), "make_key, line " + i);
            boolean djangoSilent = ((Number) row.get(2)).intValue() == 0;
      assertEquals(valid.get(i), djangoSilent, "memcache_key_warnings, line " + i + ": " + expected.get(i));
    }
  }

  @Test
  void hashPolicyMatchesThePythonFunctionOnPython2And3() throws Exception {
    List<String> keys = sampleKeys();
    StringBuilder in = new StringBuilder();
    List<String> expected = new ArrayList<>();
    for (String k : keys) {
      String raw = "shop:2:" + k;
      in.append(JSON.writeValueAsString(raw)).append('\n');
      expected.add(MemcachedKeyPolicy.HASH.wireKey(raw));
    }
    String driver = PythonScripts.load("memcached_key.py") + "\nimport json, sys\n"
        + "for line in sys.stdin:\n"
        + "    sys.stdout.write(json.dumps(wire_key(json.loads(line))) + '\\n')\n";
    for (PythonInterpreter py : List.of(Pythons.require("2.7"), Pythons.system())) {
      String out = new String(py.runChecked(driver, in.toString().getBytes(StandardCharsets.UTF_8)),
          StandardCharsets.UTF_8);
      String[] lines = out.split("\n");
      assertEquals(expected.size(), lines.length, py.toString());
      for (int i = 0; i < lines.length; i++) {
        assertEquals(expected.get(i), JSON.readValue(lines[i], String.class), py + " line " + i);
      }
    }
  }
}
