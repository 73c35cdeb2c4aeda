package dev.cachecompat.verifier;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cachecompat.core.Finding;
import dev.cachecompat.core.Verdict;
import dev.cachecompat.json.JsonCanonicalException;
import dev.cachecompat.pickle.PickleDecoder;
import dev.cachecompat.pickle.PickleException;
import dev.cachecompat.pickle.PickleJsonView;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code cachecompat decode PATH...}: validated decode of pickles to their JSON view, one line per file. */
@Command(name = "decode", header = "Decode pickles that pass inspection to their JSON view.", description = {
    "Decode pickles that pass inspection to their JSON view (docs/pickle-json-view.md). One JSON line per "
        + "file; a file that is malformed, unsafe or over a limit gets ok:false with the error, and the next file "
        + "is decoded all the same."})
final class DecodeCommand implements Callable<Integer> {
  @ParentCommand
  Main main;

  @Mixin
  PickleOptions pickle = new PickleOptions();

  @Parameters(arity = "1..*", paramLabel = "PATH", description = "Files, directories, or - for stdin.")
  List<String> paths;

  @Override
  public Integer call() throws IOException {
    PickleDecoder decoder = pickle.decoder();
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
      } catch (JsonCanonicalException e) {
        // the view nests deeper or runs longer than the JSON limits: this file only, the next is decoded
        failed(line, Verdict.OVER_LIMIT, e.code(), Finding.NO_OFFSET, "the value's JSON view: " + e.getMessage());
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
