package dev.cachecompat.json;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The examples in docs/json-canonical.md, compiled and run so they cannot rot. */
class DocsExamplesTest {
  @Test
  void readmeExampleWorksAsDocumented() {
    byte[] inputBytes = "{\"b\": 1.50, \"a\": \"\\u00E9\"}".getBytes(UTF_8);
    ObjectMapper myMapper = new ObjectMapper();

    byte[] key = CanonicalJson.python().writeBytes(Map.of("user", 42, "ids", List.of(3, 1)));
    // {"ids": [3, 1], "user": 42}   — exactly Python's json.dumps(v, sort_keys=True)
    byte[] jcs = CanonicalJson.rfc8785().canonicalize(inputBytes);
    CheckResult r = CanonicalJson.python().check(inputBytes);   // canonical()? findings() with offsets
    CanonicalJson mine = CanonicalJson.python().toBuilder().objectMapper(myMapper).compact(true).build();

    assertEquals("{\"ids\": [3, 1], \"user\": 42}", new String(key, UTF_8));
    assertEquals("{\"a\":\"\u00e9\",\"b\":1.5}", new String(jcs, UTF_8));
    assertFalse(r.canonical());
    assertEquals("{\"a\":\"\\u00e9\",\"b\":1.5}", new String(mine.canonicalize(inputBytes), UTF_8));
  }
}
