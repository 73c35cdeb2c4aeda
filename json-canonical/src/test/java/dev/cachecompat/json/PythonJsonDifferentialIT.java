package dev.cachecompat.json;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.cachecompat.testsupport.PythonInterpreter;
import dev.cachecompat.testsupport.Pythons;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Differential test against every real interpreter (Python 2.7 and each 3.x under pyenv): thousands of
 * seeded random documents, spelled noisily (whitespace, escapes, key order, number forms, duplicate keys),
 * go through CPython's own {@code json.dumps(json.loads(doc), sort_keys=True, ...)} in one long-lived
 * process per interpreter. Byte for byte, Python's output must equal {@code canonicalize(doc)},
 * {@code writeBytes(value)} of the Java value the document spells, and {@code writeBytes(parse(doc))} of the
 * Jackson tree, for ensure_ascii true and false with default and compact separators. Where Python refuses (a
 * lone surrogate with ensure_ascii=False in Python 3), we must refuse too.
 */
class PythonJsonDifferentialIT {
  static final int DOCUMENTS_PER_OPTION = Integer.getInteger("json.differential.documents", 2000);
  static String driver;

  @BeforeAll
  static void loadDriver() throws IOException {
    try (InputStream in = PythonJsonDifferentialIT.class.getResourceAsStream("json_dumps_driver.py")) {
      driver = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  @Test
  void python27AgreesByteForByte() throws Exception {
    differential(Pythons.require("2.7"));
  }

  @Test
  void everyPython3AgreesByteForByte() throws Exception {
    List<PythonInterpreter> threes = new ArrayList<>();
    for (PythonInterpreter p : Pythons.all()) {
      if (!p.isPython2()) {
        threes.add(p);
      }
    }
    if (threes.isEmpty()) {
      Pythons.require("3.13");
    }
    for (PythonInterpreter p : threes) {
      differential(p);
    }
  }

  /**
   * Java maps with non-string keys against the real {@code json.dumps(dict, sort_keys=True)} of each Python 3:
   * numbers and booleans sort numerically before they become strings; mixed types are Python 3's TypeError.
   */
  @Test
  void nonStringMapKeysMatchEveryPython3() {
    String script = String.join("\n",
        "import json",
        "cases = [{2: 1, 10: 1}, {True: 1, 2: 1}, {False: 1, True: 2, 0.5: 3}, {None: 1}, {1.5: 1, 1: 2},",
        "         {10**20: 1, 1e19: 2}, {1e16: 1, 1e-5: 2}, {-0.0: 1}, {float('inf'): 1, 1: 2}, {'a': 1, 2: 1},",
        "         {None: 1, 2: 1}, {float('nan'): 1}]",
        "for c in cases:",
        "    try:",
        "        print(json.dumps(c, sort_keys=True))",
        "    except TypeError:",
        "        print('TypeError')");
    List<Map<Object, Object>> cases = List.of(
        map(2, 1, 10, 1), map(true, 1, 2, 1), map(false, 1, true, 2, 0.5, 3), map(null, 1), map(1.5, 1, 1, 2),
        map(new java.math.BigInteger("100000000000000000000"), 1, 1e19, 2), map(1e16, 1, 1e-5, 2), map(-0.0, 1),
        map(Double.POSITIVE_INFINITY, 1, 1, 2), map("a", 1, 2, 1), map(null, 1, 2, 1), map(Double.NaN, 1));
    int checked = 0;
    for (PythonInterpreter p : Pythons.all()) {
      if (p.isPython2()) {
        continue; // Python 2 sorts mixed types by type name; documented, not followed
      }
      String[] lines = new String(p.runChecked(script, new byte[0]), StandardCharsets.UTF_8).split("\n");
      assertEquals(cases.size(), lines.length, p.toString());
      for (int i = 0; i < cases.size(); i++) {
        String ours;
        try {
          ours = CanonicalJson.python().writeString(cases.get(i));
        } catch (JsonCanonicalException e) {
          assertEquals("unsortable-keys", e.code());
          ours = "TypeError";
        }
        assertEquals(lines[i], ours, p + " case " + i);
        checked++;
      }
    }
    if (checked == 0) {
      Pythons.require("3.13");
    }
  }

  private static Map<Object, Object> map(Object... kv) {
    Map<Object, Object> m = new java.util.LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put(kv[i], kv[i + 1]);
    }
    return m;
  }

  private record Doc(byte[] input, Object value, boolean ensureAscii, boolean compact, long seed) {}

  private static void differential(PythonInterpreter python) throws Exception {
    List<Doc> docs = new ArrayList<>();
    for (int option = 0; option < 4; option++) {
      boolean ensureAscii = (option & 1) == 0;
      boolean compact = (option & 2) != 0;
      for (int i = 0; i < DOCUMENTS_PER_OPTION; i++) {
        long seed = option * 1_000_003L + i;
        // Python 2's UTF-8 codec encodes lone surrogates instead of failing: only ASCII output may hold them.
        boolean lone = ensureAscii || (!python.isPython2() && i % 50 == 0);
        RandomJson gen = new RandomJson(seed, lone, true);
        Object value = gen.value(0);
        docs.add(new Doc(gen.noisy(value), value, ensureAscii, compact, seed));
      }
    }
    List<byte[]> answers = ask(python, docs);
    int mismatches = 0;
    int refusedByBoth = 0;
    StringBuilder report = new StringBuilder();
    for (int i = 0; i < docs.size(); i++) {
      Doc d = docs.get(i);
      CanonicalJson cj = CanonicalJson.builder().ensureAscii(d.ensureAscii).compact(d.compact).build();
      byte[] answer = answers.get(i);
      boolean pythonOk = answer[0] == 'O';
      byte[] expected = java.util.Arrays.copyOfRange(answer, 1, answer.length);
      String problem = null;
      try {
        byte[] canonical = cj.canonicalize(d.input);
        byte[] written = cj.writeBytes(d.value);
        byte[] fromTree = cj.writeBytes(cj.parse(d.input));
        if (!pythonOk) {
          problem = "Python refused (" + text(expected) + ") but we wrote " + text(canonical);
        } else if (!java.util.Arrays.equals(expected, canonical)) {
          problem = "canonicalize gave " + text(canonical);
        } else if (!java.util.Arrays.equals(expected, written)) {
          problem = "writeBytes gave " + text(written);
        } else if (!java.util.Arrays.equals(expected, fromTree)) {
          problem = "writeBytes(parse(doc)) (a Jackson tree) gave " + text(fromTree);
        }
      } catch (JsonCanonicalException e) {
        if (pythonOk) {
          problem = "we refused (" + e.code() + ": " + e.getMessage() + ")";
        } else {
          refusedByBoth++;
          assertEquals("lone-surrogate", e.code(), "only lone surrogates make Python fail: " + text(expected));
        }
      }
      if (problem != null && ++mismatches <= 5) {
        report.append("\n--- seed ").append(d.seed).append(" ensureAscii=").append(d.ensureAscii)
            .append(" compact=").append(d.compact).append("\ninput:  ").append(text(d.input))
            .append("\npython: ").append(text(expected)).append("\nus:     ").append(problem);
      }
    }
    System.out.println(python + ": " + docs.size() + " documents, " + mismatches + " mismatches, "
        + refusedByBoth + " refused by both");
    if (mismatches > 0) {
      fail(python + " disagrees on " + mismatches + " of " + docs.size() + " documents:" + report);
    }
    assertTrue(docs.size() >= 4 * DOCUMENTS_PER_OPTION);
  }

  /** Sends every document to one interpreter process while reading its answers: 'O'/'E' + bytes each. */
  private static List<byte[]> ask(PythonInterpreter python, List<Doc> docs) throws Exception {
    Path script = Files.createTempFile("json_dumps_driver", ".py");
    Files.writeString(script, driver);
    ProcessBuilder pb = new ProcessBuilder(python.executable().toString(), script.toString());
    pb.environment().put("PYTHONIOENCODING", "utf-8");
    pb.environment().put("PYTHONHASHSEED", "0");
    pb.environment().remove("PYTHONPATH");
    Process p = pb.start();
    try {
      CompletableFuture<byte[]> stderr = CompletableFuture.supplyAsync(() -> {
        try {
          return p.getErrorStream().readAllBytes();
        } catch (IOException e) {
          return new byte[0];
        }
      });
      CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
        try (OutputStream out = new BufferedOutputStream(p.getOutputStream(), 1 << 16)) {
          for (Doc d : docs) {
            String header = d.input.length + " " + (d.ensureAscii ? 1 : 0) + " " + (d.compact ? 1 : 0) + "\n";
            out.write(header.getBytes(StandardCharsets.US_ASCII));
            out.write(d.input);
          }
        } catch (IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
      });
      List<byte[]> answers = new ArrayList<>();
      DataInputStream in = new DataInputStream(new BufferedInputStream(p.getInputStream(), 1 << 16));
      for (int i = 0; i < docs.size(); i++) {
        String header = readLine(in);
        if (header == null) {
          throw new AssertionError(python + " stopped after " + i + " documents: "
              + new String(stderr.get(10, TimeUnit.SECONDS), StandardCharsets.UTF_8));
        }
        int n = Integer.parseInt(header.substring(3));
        byte[] answer = new byte[n + 1];
        answer[0] = (byte) header.charAt(0);
        in.readFully(answer, 1, n);
        answers.add(answer);
      }
      writer.get(60, TimeUnit.SECONDS);
      assertTrue(p.waitFor(60, TimeUnit.SECONDS), python + " did not exit");
      return answers;
    } finally {
      p.destroyForcibly();
      Files.deleteIfExists(script);
    }
  }

  private static String readLine(InputStream in) throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    for (int c = in.read(); c != '\n'; c = in.read()) {
      if (c < 0) {
        return null;
      }
      line.write(c);
    }
    return line.toString(StandardCharsets.US_ASCII);
  }

  private static String text(byte[] b) {
    String s = new String(b, StandardCharsets.UTF_8);
    return s.length() > 2000 ? s.substring(0, 2000) + "..." : s;
  }
}
