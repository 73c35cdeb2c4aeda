package dev.cachecompat.verifier;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cachecompat.core.Finding;
import dev.cachecompat.core.Severity;
import dev.cachecompat.core.Verdict;
import dev.cachecompat.pickle.PickleInspector;
import dev.cachecompat.pickle.PickleReport;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code cachecompat inspect PATH...}: static validation of pickles, one JSON line per file. */
@Command(name = "inspect", header = "Inspect pickles without loading them.", description = {
    "Inspect pickles without loading them: structure, limits, dangerous globals, protocol and the oldest "
        + "Python that can load each. One JSON line per file. A directory means every regular file in it, sorted "
        + "by name; - is standard input."})
final class InspectCommand implements Callable<Integer> {
  @ParentCommand
  Main main;

  @Option(names = "--allow", paramLabel = "MODULE.NAME",
      description = "Also allow this global (repeatable). Denylisted globals stay unsafe.")
  List<String> allow = new ArrayList<>();

  @Parameters(arity = "1..*", paramLabel = "PATH", description = "Files, directories, or - for stdin.")
  List<String> paths;

  @Override
  public Integer call() throws IOException {
    PickleInspector.Builder b = PickleInspector.builder();
    allow.forEach(b::allowGlobal);
    PickleInspector inspector = b.build();
    int status = Main.CLEAN;
    for (Inputs.Input input : Inputs.expand(paths, main.console.in)) {
      ObjectNode line = JsonLines.object();
      line.put("file", input.name());
      line.put("format", "pickle");
      PickleReport report;
      try {
        report = inspector.inspect(input.read(inspector.limits().maxPayloadBytes()));
      } catch (Inputs.TooLarge e) {
        report = tooLarge(e);
      } catch (IOException e) {
        line.set("error", JsonLines.finding("io-error", null, -1, Console.describe(e)));
        JsonLines.print(main.console.out, line);
        status = Main.ERROR;
        continue;
      }
      line.put("verdict", report.verdict().label());
      if (report.declaredProtocol() == null) {
        line.putNull("protocol");
      } else {
        line.put("protocol", report.declaredProtocol());
      }
      line.put("max_opcode_protocol", report.maxOpcodeProtocol());
      line.put("min_python", report.minPython().toString());
      line.set("globals", JsonLines.strings(report.globals()));
      line.set("findings", JsonLines.findings(report.findings()));
      JsonLines.print(main.console.out, line);
      if (!report.isValid() && status == Main.CLEAN) {
        status = Main.FINDINGS;
      }
    }
    return status;
  }

  static PickleReport tooLarge(Inputs.TooLarge e) {
    return new PickleReport(Verdict.OVER_LIMIT, null, 0, dev.cachecompat.core.PythonVersion.PY2_7, List.of(),
        List.of(new Finding("payload-too-large", Severity.ERROR, Finding.NO_OFFSET, e.getMessage())));
  }
}
