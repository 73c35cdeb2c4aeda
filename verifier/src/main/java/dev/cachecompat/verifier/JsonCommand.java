package dev.cachecompat.verifier;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cachecompat.core.Finding;
import dev.cachecompat.json.CanonicalJson;
import dev.cachecompat.json.CheckResult;
import dev.cachecompat.json.JsonCanonicalException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code cachecompat json canonicalize|check}: canonical JSON as Python or RFC 8785 writes it. */
@Command(name = "json", description = "Canonical JSON: Python's json.dumps(sort_keys=True), or RFC 8785.",
    subcommands = {JsonCommand.Canonicalize.class, JsonCommand.Check.class})
final class JsonCommand implements Runnable {
  @ParentCommand
  Main main;

  @Override
  public void run() {
    throw new IllegalArgumentException("json needs a subcommand: canonicalize or check (try cachecompat json --help)");
  }

  static ObjectNode error(String file, JsonCanonicalException e) {
    ObjectNode line = JsonLines.object();
    line.put("file", file);
    line.put("ok", false);
    line.set("error", JsonLines.finding(e.code(), null, e.offset(), e.getMessage()));
    return line;
  }

  static ObjectNode ioError(String file, IOException e) {
    ObjectNode line = JsonLines.object();
    line.put("file", file);
    line.put("ok", false);
    line.set("error", JsonLines.finding(e instanceof Inputs.TooLarge ? "payload-too-large" : "io-error", null,
        Finding.NO_OFFSET, Console.describe(e)));
    return line;
  }

  /** {@code json canonicalize}. */
  @Command(name = "canonicalize", header = "Write each input canonically.", description = {
      "Write each input canonically. With one input and no --jsonl: the canonical bytes on stdout, no "
          + "trailing newline. With --jsonl: one line per file, {\"file\",\"ok\",\"canonical\"} or an error."})
  static final class Canonicalize implements Callable<Integer> {
    @ParentCommand
    JsonCommand json;

    @Mixin
    JsonStyleOptions styleOptions = new JsonStyleOptions();

    @Option(names = "--jsonl", description = "One JSON line per input.")
    boolean jsonl;

    @Parameters(arity = "1..*", paramLabel = "PATH", description = "Files, directories, or - for stdin.")
    List<String> paths;

    @Override
    public Integer call() throws IOException {
      CanonicalJson canon = styleOptions.canonicalJson();
      Console console = json.main.console;
      List<Inputs.Input> inputs = Inputs.expand(paths, console.in);
      long max = canon.limits().maxPayloadBytes();
      if (!jsonl && inputs.size() == 1) {
        Inputs.Input input = inputs.get(0);
        byte[] out;
        try {
          out = canon.canonicalize(input.read(max));
        } catch (JsonCanonicalException e) {
          console.err.println("cachecompat: " + input.name() + ": " + e.code() + ": " + e.getMessage());
          return Main.FINDINGS;
        }
        console.out.write(out);
        console.out.flush();
        return Main.CLEAN;
      }
      int status = Main.CLEAN;
      for (Inputs.Input input : inputs) {
        ObjectNode line;
        try {
          byte[] out = canon.canonicalize(input.read(max));
          line = JsonLines.object();
          line.put("file", input.name());
          line.put("ok", true);
          line.put("canonical", new String(out, StandardCharsets.UTF_8));
        } catch (JsonCanonicalException e) {
          line = error(input.name(), e);
          status = Math.max(status, Main.FINDINGS);
        } catch (IOException e) {
          line = ioError(input.name(), e);
          status = Main.ERROR;
        }
        JsonLines.print(console.out, line);
      }
      return status;
    }
  }

  /** {@code json check}. */
  @Command(name = "check", header = "Say whether each input is already canonical.", description = {
      "Say whether each input is already canonical, and where not. One line per file: "
          + "{\"file\",\"canonical\",\"findings\"}. Exit 1 if any is not canonical."})
  static final class Check implements Callable<Integer> {
    @ParentCommand
    JsonCommand json;

    @Mixin
    JsonStyleOptions styleOptions = new JsonStyleOptions();

    @Parameters(arity = "1..*", paramLabel = "PATH", description = "Files, directories, or - for stdin.")
    List<String> paths;

    @Override
    public Integer call() throws IOException {
      CanonicalJson canon = styleOptions.canonicalJson();
      Console console = json.main.console;
      int status = Main.CLEAN;
      for (Inputs.Input input : Inputs.expand(paths, console.in)) {
        ObjectNode line;
        try {
          CheckResult r = canon.check(input.read(canon.limits().maxPayloadBytes()));
          line = JsonLines.object();
          line.put("file", input.name());
          line.put("canonical", r.canonical());
          line.set("findings", JsonLines.findings(r.findings()));
          if (!r.canonical()) {
            status = Math.max(status, Main.FINDINGS);
          }
        } catch (JsonCanonicalException e) {
          line = JsonLines.object();
          line.put("file", input.name());
          line.put("canonical", false);
          line.set("findings", JsonLines.findingsOf(
              JsonLines.finding(e.code(), "error", e.offset(), e.getMessage())));
          status = Math.max(status, Main.FINDINGS);
        } catch (IOException e) {
          line = ioError(input.name(), e);
          status = Main.ERROR;
        }
        JsonLines.print(console.out, line);
      }
      return status;
    }
  }
}
