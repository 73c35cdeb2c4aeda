package dev.cachecompat.verifier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Runs the real {@code ./cachecompat} launcher at the repository root against the jar this build made. */
class LauncherIT {
  static final Path ROOT = Path.of("").toAbsolutePath().getParent();

  record Run(int status, String out, String err) {}

  static Run launch(List<String> env, String... args) throws IOException, InterruptedException {
    List<String> cmd = new java.util.ArrayList<>(List.of(ROOT.resolve("cachecompat").toString()));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(ROOT.toFile());
    for (String kv : env) {
      String[] p = kv.split("=", 2);
      pb.environment().put(p[0], p[1]);
    }
    Path out = Files.createTempFile("launcher", ".out");
    Path err = Files.createTempFile("launcher", ".err");
    Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
    p.getOutputStream().close();
    assertTrue(p.waitFor(300, TimeUnit.SECONDS), "launcher did not finish");
    Run r = new Run(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
        Files.readString(err, StandardCharsets.UTF_8));
    Files.delete(out);
    Files.delete(err);
    return r;
  }

  @Test
  void printsTheVersionFromTheBuiltJar() throws Exception {
    Run r = launch(List.of(), "--version");
    assertEquals(0, r.status(), r.err());
    assertEquals("cachecompat 0.1.0-SNAPSHOT\n", r.out());
  }

  @Test
  void passesJavaOptsToTheJvm() throws Exception {
    Run r = launch(List.of("JAVA_OPTS=-Xmx123m -XX:+PrintCommandLineFlags"), "--version");
    assertEquals(0, r.status(), r.err());
    assertTrue(r.out().contains("-XX:MaxHeapSize=" + 123L * 1024 * 1024), r.out());
    assertTrue(r.out().endsWith("cachecompat 0.1.0-SNAPSHOT\n"), r.out());
  }

  @Test
  void usageErrorsExitTwoWithOneLine() throws Exception {
    Run r = launch(List.of(), "no-such-command");
    assertEquals(2, r.status());
    assertEquals(1, r.err().strip().split("\n").length, r.err());
  }

  @Test
  void scanRunsWithC1TheSerialCollectorAndAClassDataArchiveWrittenByTheFirstScan() throws Exception {
    Path archive = ROOT.resolve("verifier/target/cachecompat-scan-files.jsa");
    Files.deleteIfExists(archive);
    String dump = "verifier/" + ScanCommandTest.DUMPS + "cache.rdb";
    List<String> flags = List.of("JAVA_OPTS=-XX:+PrintCommandLineFlags");
    Run first = launch(flags, "scan", "--format=jsonl", dump);
    assertEquals(1, first.status(), first.err()); // the demo dump has unsafe and malformed entries
    assertEquals("", first.err()); // no JVM or class-data warnings
    assertTrue(first.out().contains("-XX:ArchiveClassesAtExit="), first.out());
    assertTrue(Files.size(archive) > 0, "archive written");
    Run second = launch(flags, "scan", "--format=jsonl", dump);
    assertEquals(1, second.status(), second.err());
    assertEquals("", second.err());
    String shown = second.out().lines().findFirst().orElseThrow();
    assertTrue(shown.contains("-XX:SharedArchiveFile=" + archive), shown);
    assertTrue(shown.contains("-XX:TieredStopAtLevel=1"), shown);
    assertTrue(shown.contains("-XX:+UseSerialGC"), shown);
    assertEquals(keyLines(first.out()), keyLines(second.out()));
    Run plain = launch(List.of("JAVA_OPTS=-XX:+PrintCommandLineFlags", "CACHECOMPAT_JVM_TUNING=off"), "scan",
        "--format=jsonl", dump);
    assertEquals(1, plain.status(), plain.err());
    assertTrue(!plain.out().lines().findFirst().orElseThrow().contains("TieredStopAtLevel"), plain.out());
  }

  /** The key lines of a scan's output after the JVM's flags line, without TTLs (the dump's expiry moves on). */
  private static List<String> keyLines(String out) {
    return out.lines().skip(1).filter(l -> !l.startsWith("{\"summary\""))
        .map(l -> l.replaceAll("\"ttl_s\":\\d+", "\"ttl_s\":N")).toList();
  }
}
