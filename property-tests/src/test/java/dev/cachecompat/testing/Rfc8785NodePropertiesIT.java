package dev.cachecompat.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.cachecompat.json.CanonicalJson;
import dev.cachecompat.json.JsonCanonicalException;
import dev.cachecompat.testsupport.Pythons;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.concurrent.TimeUnit;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * RFC 8785 output agrees with the reference algorithm (JSON.parse, then ECMAScript's JSON.stringify with keys in
 * UTF-16 order) run by node in one long-lived process.
 */
class Rfc8785NodePropertiesIT {
  private static Process node;
  private static Writer toNode;
  private static BufferedReader fromNode;

  @BeforeContainer
  static void startNode() throws IOException {
    Path script = Files.createTempFile("cachecompat-jcs", ".js");
    script.toFile().deleteOnExit();
    try (InputStream s = Rfc8785NodePropertiesIT.class.getResourceAsStream("jcs.js")) {
      Files.write(script, s.readAllBytes());
    }
    try {
      node = new ProcessBuilder("node", script.toString()).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    } catch (IOException e) {
      if (Pythons.inCi()) {
        throw e;
      }
      org.junit.jupiter.api.Assumptions.assumeTrue(false, "SKIPPED LOUDLY: node is not installed: " + e);
    }
    toNode = new OutputStreamWriter(node.getOutputStream(), StandardCharsets.US_ASCII);
    fromNode = new BufferedReader(new InputStreamReader(node.getInputStream(), StandardCharsets.US_ASCII));
  }

  @AfterContainer
  static void stopNode() throws InterruptedException {
    if (node != null) {
      try {
        toNode.close();
      } catch (IOException ignored) {
        // exiting anyway
      }
      if (!node.waitFor(5, TimeUnit.SECONDS)) {
        node.destroyForcibly();
      }
    }
  }

  private static String reference(byte[] utf8) {
    try {
      toNode.write(Base64.getEncoder().encodeToString(utf8));
      toNode.write('\n');
      toNode.flush();
      String line = fromNode.readLine();
      if (line == null) {
        throw new IOException("node exited");
      }
      return line;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Provide
  Arbitrary<String> documents() {
    return JsonDocuments.rfc8785Documents();
  }

  @Property(tries = 1000)
  void rfc8785AgreesWithTheReferenceAlgorithm(@ForAll("documents") String doc) {
    byte[] utf8 = doc.getBytes(StandardCharsets.UTF_8);
    String ref = reference(utf8);
    if (!ref.startsWith("T ")) {
      fail("node refused a generated RFC 8785 document " + doc + ": " + ref);
    }
    String expected = new String(Base64.getDecoder().decode(ref.substring(2)), StandardCharsets.UTF_8);
    String ours = new String(CanonicalJson.rfc8785().canonicalize(utf8), StandardCharsets.UTF_8);
    assertEquals(expected, ours, () -> "on " + doc);
    assertTrue(CanonicalJson.rfc8785().check(expected.getBytes(StandardCharsets.UTF_8)).canonical(), expected);
  }

  @Provide
  Arbitrary<String> pythonDocuments() {
    return JsonDocuments.pythonDocuments();
  }

  @Property(tries = 500)
  void whatRfc8785AcceptsFromPythonDocumentsMatchesTheReference(@ForAll("pythonDocuments") String doc) {
    byte[] utf8 = doc.getBytes(StandardCharsets.UTF_8);
    String ours;
    try {
      ours = new String(CanonicalJson.rfc8785().canonicalize(utf8), StandardCharsets.UTF_8);
    } catch (JsonCanonicalException e) {
      // NaN, Infinity, overflowing numbers, lone surrogates and duplicate keys have no RFC 8785 form.
      return;
    }
    String ref = reference(utf8);
    assertTrue(ref.startsWith("T "), () -> "Java canonicalized " + doc + " as " + ours + " but node: " + ref);
    assertEquals(new String(Base64.getDecoder().decode(ref.substring(2)), StandardCharsets.UTF_8), ours, doc);
  }
}
