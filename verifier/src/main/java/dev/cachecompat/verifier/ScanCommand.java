package dev.cachecompat.verifier;

import dev.cachecompat.core.Finding;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code cachecompat scan SOURCE...}: what each worker generation can read, key by key. */
@Command(name = "scan", header = "Scan live caches and dumps: what each worker generation can read.",
    description = {
      "Scan live caches and their dumps: per key its namespace, format, pickle protocol, the oldest Python that "
          + "loads it, whether it is unsafe or malformed, and whether its namespace's readers can load it.",
      "SOURCE: redis://HOST:PORT[/DB], redis-cluster://HOST:PORT[,...], memcached://HOST:PORT[,...], "
          + "an RDB file, a memcached-tool dump, or files and directories of single payloads."})
final class ScanCommand implements Callable<Integer> {
  @ParentCommand
  Main main;

  @Option(names = "--key-scheme", defaultValue = "django", paramLabel = "SCHEME",
      description = "django (PREFIX:VERSION:key, default), prefix, or none.")
  String keyScheme;

  @Option(names = "--namespace", paramLabel = "PREFIX:VERSION",
      description = "A namespace to report (repeatable); with none, every PREFIX:VERSION found counts.")
  List<String> namespaces = new ArrayList<>();

  @Option(names = "--expect", paramLabel = "PREFIX:VERSION=PYTHON",
      description = "The oldest Python that reads the namespace (repeatable), e.g. shop:2=2.7.")
  List<String> expectations = new ArrayList<>();

  @Mixin
  PickleOptions pickle = new PickleOptions();

  @Option(names = "--format", defaultValue = "table", paramLabel = "FORMAT",
      description = "table (default, a summary for people) or jsonl (a line per key, then a summary line).")
  String format;

  @Option(names = "--sample", defaultValue = "0", paramLabel = "N", description = "Stop after N keys per source.")
  long sample;

  @Option(names = "--resume", paramLabel = "FILE",
      description = "Keep the live scan's cursor in FILE: an interrupted scan resumes from it.")
  Path resume;

  @Parameters(arity = "1..*", paramLabel = "SOURCE")
  List<String> sources;

  @Override
  public Integer call() throws IOException {
    boolean jsonl;
    switch (format.toLowerCase(Locale.ROOT)) {
      case "jsonl":
        jsonl = true;
        break;
      case "table":
        jsonl = false;
        break;
      default:
        throw new IllegalArgumentException("--format must be table or jsonl: '" + format + "'");
    }
    if (sample < 0) {
      throw new IllegalArgumentException("--sample must be 0 or more: " + sample);
    }
    NamespaceResolver resolver = new NamespaceResolver(NamespaceResolver.scheme(keyScheme), namespaces, expectations);
    EntryClassifier classifier = new EntryClassifier(pickle.decoder(), resolver);
    List<SourceUri> uris = new ArrayList<>();
    for (String s : sources) {
      uris.add(SourceUri.parse(s));
    }
    if (resume != null && uris.size() != 1) {
      throw new IllegalArgumentException("--resume works with exactly one source, not " + uris.size());
    }
    String cursor = resume != null && Files.isRegularFile(resume)
        ? Files.readString(resume, StandardCharsets.UTF_8).trim() : null;
    SourceOptions options = SourceOptions.defaults().withSample(sample);
    if (cursor != null && !cursor.isEmpty()) {
      options = options.withResumeCursor(cursor);
    }

    ScanSummary summary = new ScanSummary();
    Progress progress = Progress.forConsole(main.console);
    // A source that fails (a lost connection, a malformed dump) ends its own scan, not the others'.
    List<String> stopped = new ArrayList<>();
    int status = Main.CLEAN;
    try (ScanPipeline pipeline = new ScanPipeline(classifier, jsonl, threads())) {
      for (int i = 0; i < uris.size(); i++) {
        try (ScanSource source = uris.get(i).open(options)) {
          // What a Ctrl-C saves: the cursor after the last key whose line is out (flushed), never one further.
          java.util.concurrent.atomic.AtomicReference<String> written =
              new java.util.concurrent.atomic.AtomicReference<>(resume == null ? null : source.cursor());
          Thread saver = resume == null ? null : new Thread(() -> saveCursor(written.get()));
          if (saver != null) {
            Runtime.getRuntime().addShutdownHook(saver);
          }
          try {
            pipeline.run(source, resume != null, (results, lines, linesLength, after) -> {
              if (lines != null) {
                main.console.out.write(lines, 0, linesLength);
                main.console.out.flush();
              }
              for (int k = 0, n = results.size(); k < n; k++) {
                summary.add(results.get(k));
              }
              progress.update(summary);
              written.set(after);
            });
            if (resume != null) {
              saveCursor(source.cursor());
            }
          } catch (SourceException e) {
            stopped.add(e.getMessage());
            if (resume != null) {
              saveCursor(source.cursor()); // every key delivered before the failure is written
            }
          } finally {
            if (saver != null) {
              try {
                Runtime.getRuntime().removeShutdownHook(saver);
              } catch (IllegalStateException ignored) {
                // shutting down: the hook runs
              }
            }
          }
        } catch (SourceException e) {
          stopped.add(e.getMessage());
        }
      }
    }
    progress.done();
    if (jsonl) {
      JsonLines.print(main.console.out, summary.toJson(sources, stopped));
    } else {
      summary.printTable(main.console.out, sources, stopped);
    }
    if (!stopped.isEmpty()) {
      for (String m : stopped) {
        main.console.err.println("cachecompat: " + m);
      }
      return Main.ERROR;
    }
    return summary.anyProblem() ? Main.FINDINGS : status;
  }

  /** Classification threads: every core (the source and the output mostly wait on I/O). */
  static int threads() {
    return Math.max(1, Runtime.getRuntime().availableProcessors());
  }

  private void saveCursor(String c) {
    if (c == null) {
      return;
    }
    try {
      Files.writeString(resume, c + "\n", StandardCharsets.UTF_8);
    } catch (IOException e) {
      main.console.err.println("cachecompat: cannot save the cursor to " + resume + ": " + e.getMessage());
    }
  }

  /** Shows keys/s and findings on a terminal; prints nothing when output is piped. */
  static final class Progress {
    private final Console console;
    private long lastNanos;

    private Progress(Console console) {
      this.console = console;
    }

    static Progress forConsole(Console console) {
      return new Progress(console.terminal ? console : null);
    }

    /** After each chunk of keys: at most four times a second. */
    void update(ScanSummary s) {
      if (console == null) {
        return;
      }
      long now = System.nanoTime();
      if (now - lastNanos < 250_000_000L) {
        return;
      }
      lastNanos = now;
      console.err.printf(Locale.ROOT, "\rscanned %,d keys  %,.0f keys/s  ", s.keys(), s.keysPerSecond());
      console.err.flush();
    }

    void done() {
      if (console != null && lastNanos != 0) {
        console.err.print("\r\033[K");
        console.err.flush();
      }
    }
  }

  static String findingText(Finding f) {
    return f.code() + ": " + f.message();
  }
}
