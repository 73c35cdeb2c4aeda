package dev.cachecompat.verifier;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cachecompat.core.Finding;
import dev.cachecompat.core.Verdict;
import dev.cachecompat.pickle.PickleDecoder;
import dev.cachecompat.pickle.PickleException;
import dev.cachecompat.pickle.PickleJsonView;
import dev.cachecompat.pickle.Py2Str;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code cachecompat decode PATH...}: validated decode of pickles to their JSON view, one line per file. */
@Command(name = "decode", description = {
    "Decode pickles that pass inspection to their JSON view (docs/pickle-json-view.md). One JSON line per",
    "file; a file that is malformed, unsafe or over a limit gets ok:false with the error, and the next file",
    "is decoded all the same."})
final class DecodeCommand implements Callable<Integer> {
  @ParentCommand
  Main main;

  @Option(names = "--py2-str", paramLabel = "POLICY", defaultValue = "bytes",
      description = "How Python 2 str decodes: bytes (default), latin1, utf8 or ascii.")
  String py2Str;

  @Option(names = "--allow", paramLabel = "MODULE.NAME",
      description = "Also allow this global (repeatable); its instances decode to {\"$object\":...}.")
  List<String> allow = new ArrayList<>();

  @Parameters(arity = "1..*", paramLabel = "PATH", description = "Files, directories, or - for stdin.")
  List<String> paths;

  static Py2Str policy(String text) {
    switch (text.toLowerCase(Locale.ROOT)) {
      case "bytes":
        return Py2Str.BYTES;
      case "latin1":
      case "latin-1":
        return Py2Str.LATIN1;
      case "utf8":
      case "utf-8":
        return Py2Str.UTF8;
      case "ascii":
        return Py2Str.ASCII;
      default:
        throw new IllegalArgumentException(
            "--py2-str must be bytes, latin1, utf8 or ascii: '" + text + "'");
    }
  }

  @Override
  public Integer call() throws IOException {
    PickleDecoder.Builder b = PickleDecoder.builder().py2Str(policy(py2Str));
    allow.forEach(b::allowGlobal);
    PickleDecoder decoder = b.build();
    int status = Main.CLEAN;
    for (Inputs.Input input : Inputs.expand(paths, main.console.in)) {
      ObjectNode line = JsonLines.object();
      line.put("file", input.name());
      try {
        PickleDecoder.Decoded d = decoder.decodeDetailed(input.read(decoder.limits().maxPayloadBytes()));
        line.put("ok", true);
        line.put("protocol", d.report().protocol());
        line.putRawValue("value", JsonLines.raw(PickleJsonView.toJson(d.value())));
      } catch (PickleException e) {
        failed(line, e.verdict(), e.code(), e.offset(), e.getMessage());
        status = Math.max(status, Main.FINDINGS);
      } catch (Inputs.TooLarge e) {
        failed(line, Verdict.OVER_LIMIT, "payload-too-large", Finding.NO_OFFSET, e.getMessage());
        status = Math.max(status, Main.FINDINGS);
      } catch (IOException e) {
        line.put("ok", false);
        line.set("error", JsonLines.finding("io-error", null, Finding.NO_OFFSET, Console.describe(e)));
        status = Main.ERROR;
      }
      JsonLines.print(main.console.out, line);
    }
    return status;
  }

  private static void failed(ObjectNode line, Verdict verdict, String code, long offset, String message) {
    line.put("ok", false);
    line.put("verdict", verdict.label());
    line.set("error", JsonLines.finding(code, null, offset, message));
  }
}
