package dev.cachecompat.verifier;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

/**
 * {@code cachecompat demo}: the main job, {@code scan}, on the bundled dumps of a cache that real Python 2.7 and
 * 3.13 workers filled (see demo-dumps/README.txt), with three entries planted wrong on purpose.
 */
@Command(name = "demo", header = "Scan the bundled sample dumps and print the summary.", description = {
    "Scan the bundled Redis RDB file and memcached-tool dump, written by real Python 2.7 and 3.13 workers, "
        + "and print the summary. Three entries are wrong on purpose: a protocol-5 pickle in the namespace Python "
        + "2.7 reads, an os.system pickle, and a truncated pickle. Needs nothing but a JDK."})
final class DemoCommand implements Callable<Integer> {
  static final String DUMPS = "/dev/cachecompat/verifier/demo-dumps/";
  static final List<String> FILES = List.of("cache.rdb", "memcached.dump");

  @ParentCommand
  Main main;

  @Override
  public Integer call() throws IOException {
    Path dir = Files.createTempDirectory("cachecompat-demo-");
    try {
      List<String> sources = new ArrayList<>();
      for (String f : FILES) {
        Path target = dir.resolve(f);
        try (InputStream in = DemoCommand.class.getResourceAsStream(DUMPS + f)) {
          if (in == null) {
            throw new IOException("the demo dump " + f + " is missing from the jar");
          }
          Files.copy(in, target);
        }
        sources.add(target.toString());
      }
      main.console.out.println("Two workers share one cache: Python 2.7 writes namespace shop:2, Python 3.13 writes");
      main.console.out.println("shop:3. Scanning a Redis RDB file and a memcached-tool dump of it:");
      main.console.out.println("  cachecompat scan cache.rdb memcached.dump --namespace shop:2 --expect shop:2=2.7 \\");
      main.console.out.println("      --namespace shop:3 --expect shop:3=3.8");
      main.console.out.println();
      ScanCommand scan = new ScanCommand();
      scan.main = main;
      scan.keyScheme = "django";
      scan.namespaces = List.of("shop:2", "shop:3");
      scan.expectations = List.of("shop:2=2.7", "shop:3=3.8");
      scan.format = "table";
      scan.sample = 0;
      scan.sources = sources;
      int status = scan.call();
      main.console.out.println();
      if (status == Main.FINDINGS) {
        main.console.out.println("The entries under 'Needs attention' were planted on purpose; a real scan exits 1 on them.");
        main.console.out.println("Try: ./cachecompat scan --format=jsonl ... for a JSON line per key.");
        return Main.CLEAN;
      }
      main.console.err.println("cachecompat: the demo scan did not find the planted entries (status " + status + ")");
      return Main.ERROR;
    } finally {
      for (String f : FILES) {
        Files.deleteIfExists(dir.resolve(f));
      }
      Files.deleteIfExists(dir);
    }
  }
}
