package dev.cachecompat.verifier;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cachecompat.core.CacheCompatException;
import dev.cachecompat.json.CanonicalJson;
import dev.cachecompat.pickle.PickleDecoder;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.function.Function;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code cachecompat bench pickle|json [--seconds N] PATH...}: repeats the work of {@code decode} (inspect,
 * then decode) or of {@code json canonicalize --style=python} (parse, then canonical write) over the files for
 * N seconds after a warm-up, and prints {@code {"ops_per_s","mb_per_s","files","seconds"}} as its last line.
 * Every operation does the full work on the file's bytes (nothing is cached) and its result is stored into a
 * volatile sink, so the JIT cannot drop it. Reading the files and printing are outside the timed loop, as are
 * the JSON view rendering and output formatting of {@code decode}.
 */
@Command(name = "bench", header = "Measure the throughput of validated decode or canonical JSON.",
    description = {
      "Measure throughput of validated decode (pickle) or Python-style canonical JSON (json) over the files: a "
          + "warm-up, then N seconds of repeated passes. Last line: "
          + "{\"ops_per_s\",\"mb_per_s\",\"files\",\"seconds\"}; one op is one file, MB are 10^6 bytes of input. "
          + "Every file must decode: a bad one stops the run (exit 1)."})
final class BenchCommand implements Callable<Integer> {
  @ParentCommand
  Main main;

  @Parameters(index = "0", paramLabel = "WORK", description = "pickle (validated decode) or json (canonicalize).")
  String work;

  @Parameters(index = "1..*", arity = "1..*", paramLabel = "PATH",
      description = "Files, directories, or - for stdin.")
  List<String> paths;

  @Option(names = "--seconds", defaultValue = "10", paramLabel = "N", description = "Measured seconds (default 10).")
  double seconds;

  @Option(names = "--warmup", defaultValue = "3", paramLabel = "N",
      description = "Warm-up seconds before measuring (default 3).")
  double warmup;

  /** What one measured run did. */
  record Result(long ops, long bytes, int files, double seconds) {
    double opsPerSecond() {
      return ops / seconds;
    }

    double megabytesPerSecond() {
      return bytes / seconds / 1e6;
    }
  }

  /** Written with every result so the work cannot be proven dead; read by nobody. */
  private static volatile Object sink;

  @Override
  public Integer call() throws IOException {
    if (!(seconds > 0) || !(warmup >= 0) || seconds > 86_400 || warmup > 86_400) {
      throw new IllegalArgumentException(String.format(Locale.ROOT,
          "--seconds must be in (0, 86400] and --warmup in [0, 86400]: %s, %s", seconds, warmup));
    }
    Function<byte[], Object> op = operation(work);
    long max = work.equals("pickle") ? PickleDecoder.defaults().limits().maxPayloadBytes()
        : CanonicalJson.python().limits().maxPayloadBytes();
    List<Inputs.Input> inputs = Inputs.expand(paths, main.console.in);
    if (inputs.isEmpty()) {
      throw new IllegalArgumentException("no input files in " + paths);
    }
    List<byte[]> files = new ArrayList<>();
    for (Inputs.Input input : inputs) {
      byte[] bytes = input.read(max);
      try {
        op.apply(bytes);
      } catch (CacheCompatException e) {
        main.console.err.println("cachecompat: bench needs inputs that " + work + " accepts; "
            + input.name() + ": " + e.code() + ": " + e.getMessage());
        return Main.FINDINGS;
      }
      files.add(bytes);
    }
    Result r = measure(op, files, warmup, seconds);
    ObjectNode line = JsonLines.object();
    line.put("ops_per_s", round(r.opsPerSecond()));
    line.put("mb_per_s", round(r.megabytesPerSecond()));
    line.put("files", r.files());
    line.put("seconds", round(r.seconds()));
    JsonLines.print(main.console.out, line);
    return Main.CLEAN;
  }

  /** The work of one operation on one file's bytes. */
  static Function<byte[], Object> operation(String work) {
    switch (work) {
      case "pickle": {
        PickleDecoder decoder = PickleDecoder.defaults();
        return decoder::decodeDetailed; // what decode does before rendering: inspect, then decode
      }
      case "json": {
        CanonicalJson canon = CanonicalJson.python();
        return canon::canonicalize;
      }
      default:
        throw new IllegalArgumentException("bench WORK must be pickle or json: '" + work + "'");
    }
  }

  /**
   * Runs whole passes over the files for {@code warmupSeconds}, then for {@code seconds}, and counts the
   * measured ones. The clock is read once per pass, so a run ends within one pass of the deadline.
   */
  static Result measure(Function<byte[], Object> op, List<byte[]> files, double warmupSeconds, double seconds) {
    byte[][] inputs = files.toArray(new byte[0][]);
    long passBytes = 0;
    for (byte[] f : inputs) {
      passBytes += f.length;
    }
    runFor(op, inputs, (long) (warmupSeconds * 1e9));
    long start = System.nanoTime();
    long passes = runFor(op, inputs, (long) (seconds * 1e9));
    double elapsed = (System.nanoTime() - start) / 1e9;
    return new Result(passes * inputs.length, passes * passBytes, inputs.length, elapsed);
  }

  private static long runFor(Function<byte[], Object> op, byte[][] inputs, long nanos) {
    long deadline = System.nanoTime() + nanos;
    long passes = 0;
    do {
      for (byte[] f : inputs) {
        sink = op.apply(f);
      }
      passes++;
    } while (System.nanoTime() - deadline < 0);
    return passes;
  }

  private static double round(double v) {
    return Math.round(v * 1000) / 1000.0;
  }
}
