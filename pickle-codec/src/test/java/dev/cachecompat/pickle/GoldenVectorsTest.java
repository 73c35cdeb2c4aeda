package dev.cachecompat.pickle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cachecompat.core.Verdict;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Every golden pickle (written by CPython 2.7 and 3.6-3.13 with scripts/gen-pickle-vectors.py), decoded under
 * every Python 2 str policy, must give the JSON view Python computed from the pickled value, or, where Python
 * says the policy cannot represent the value, a clear PickleException.
 */
class GoldenVectorsTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  static final List<String> INTERPRETERS =
      List.of("2.7", "3.6", "3.7", "3.8", "3.9", "3.10", "3.11", "3.12", "3.13");

  static Path goldenRoot() {
    try {
      return Path.of(GoldenVectorsTest.class.getResource("/golden").toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  /** One line of an index.jsonl. */
  record Vector(String python, String caseName, int protocol, Path file, JsonNode entry) {
    byte[] bytes() {
      try {
        return Files.readAllBytes(file);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    /** The expected view under a policy, or null when the policy must fail. */
    JsonNode expected(Py2Str policy) {
      JsonNode views = entry.get("views");
      if (views == null) {
        return entry.get("view");
      }
      return views.get(policy.name());
    }

    @Override
    public String toString() {
      return python + "/" + file.getFileName();
    }
  }

  static List<Vector> vectors(String python) {
    Path dir = goldenRoot().resolve(python);
    List<Vector> out = new ArrayList<>();
    try {
      for (String line : Files.readAllLines(dir.resolve("index.jsonl"), StandardCharsets.US_ASCII)) {
        JsonNode entry = JSON.readTree(line);
        out.add(new Vector(python, entry.get("case").asText(), entry.get("protocol").asInt(),
            dir.resolve(entry.get("file").asText()), entry));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out;
  }

  static PickleDecoder decoder(Py2Str policy) {
    return PickleDecoder.builder().py2Str(policy).build();
  }

  @Test
  void everyInterpreterHasVectorsAtEveryProtocolItSupports() {
    for (String python : INTERPRETERS) {
      int highest = python.equals("2.7") ? 2 : python.equals("3.6") || python.equals("3.7") ? 4 : 5;
      List<Vector> vs = vectors(python);
      for (int p = 0; p <= highest; p++) {
        int protocol = p;
        assertTrue(vs.stream().anyMatch(v -> v.protocol() == protocol), python + " has no protocol " + p);
      }
      assertTrue(vs.stream().noneMatch(v -> v.protocol() > highest), python + " has a protocol above " + highest);
      assertTrue(vs.size() > 200, python + " has only " + vs.size() + " vectors");
    }
  }

  @TestFactory
  Stream<DynamicNode> goldenVectorsDecodeToPythonsView() {
    return INTERPRETERS.stream().map(python -> DynamicContainer.dynamicContainer(python,
        vectors(python).stream().map(v -> DynamicContainer.dynamicContainer(v.toString(),
            Stream.of(Py2Str.values()).map(policy -> DynamicTest.dynamicTest(policy.name(),
                () -> check(v, policy)))))));
  }

  static void check(Vector v, Py2Str policy) {
    byte[] pickle = v.bytes();
    JsonNode expected = v.expected(policy);
    PickleDecoder decoder = decoder(policy);
    if (expected == null) {
      PickleException e = assertThrows(PickleException.class, () -> GoldenHook.decode(decoder, pickle),
          v + " must not decode under " + policy);
      assertEquals(Verdict.MALFORMED, e.verdict());
      assertEquals("py2-str-undecodable", e.code());
      assertTrue(e.getMessage().contains("under the " + policy + " str policy"), e.getMessage());
      // the offset points at the Python 2 str opcode: STRING, BINSTRING or SHORT_BINSTRING
      assertTrue(e.offset() >= 0 && e.offset() < pickle.length, "offset " + e.offset());
      assertTrue("STU".indexOf(pickle[(int) e.offset()]) >= 0, "opcode at " + e.offset());
      return;
    }
    Object value = GoldenHook.decode(decoder, pickle);
    JsonNode actual = PickleJsonView.toJson(value);
    assertNull(JsonTrees.diff(expected, actual), () -> v + " under " + policy);
  }
}
