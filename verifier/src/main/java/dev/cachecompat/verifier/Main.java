package dev.cachecompat.verifier;

import java.io.InputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Entry point of {@code ./cachecompat}. */
@Command(
    name = "cachecompat",
    mixinStandardHelpOptions = true,
    scope = CommandLine.ScopeType.INHERIT,
    versionProvider = Main.Version.class,
    description = "Lets Python 2.7, Python 3.x and JVM workers share memcached and Redis safely.",
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:clean: every input valid, canonical or ok",
      "1:findings: something invalid, unsafe or not ok",
      "2:usage or I/O error (one line on stderr)"
    })
public final class Main implements Runnable {
  /** Exit status when everything is clean. */
  static final int CLEAN = 0;
  /** Exit status when something invalid, unsafe or not ok was found. */
  static final int FINDINGS = 1;
  /** Exit status for usage and I/O errors. */
  static final int ERROR = 2;

  @Option(names = "--debug", scope = CommandLine.ScopeType.INHERIT,
      description = "Show stack traces of internal errors.")
  boolean debug;

  /** The commands, in the order {@code --help} lists them; {@link #commandLine} adds them. */
  private static final List<Class<?>> COMMANDS = List.of(InspectCommand.class, DecodeCommand.class,
      JsonCommand.class, ScanCommand.class, MigrateCommand.class, BenchCommand.class, DemoCommand.class);

  final Console console;

  Main(Console console) {
    this.console = console;
  }

  @Override
  public void run() {
    throw new CommandLine.ParameterException(new CommandLine(this), "a command is required");
  }

  /**
   * Runs the command line.
   *
   * @param args the arguments
   */
  public static void main(String[] args) {
    // UTF-8 whatever the locale (Java 17's default charset follows it); stdout buffered, flushed per line.
    PrintStream out = new PrintStream(
        new java.io.BufferedOutputStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), 1 << 16),
        false, StandardCharsets.UTF_8);
    PrintStream err = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.err), true,
        StandardCharsets.UTF_8);
    int status = run(args, System.in, out, err, System.console() != null);
    out.flush();
    err.flush();
    System.exit(status);
  }

  static int run(String[] args, InputStream in, PrintStream out, PrintStream err) {
    return run(args, in, out, err, false);
  }

  static int run(String[] args, InputStream in, PrintStream out, PrintStream err, boolean terminal) {
    Console console = new Console(in, out, err, terminal);
    Main main = new Main(console);
    CommandLine cl = commandLine(main, args);
    cl.setOut(new PrintWriter(out, true, StandardCharsets.UTF_8));
    cl.setErr(new PrintWriter(err, true, StandardCharsets.UTF_8));
    cl.setParameterExceptionHandler((ex, a) -> {
      // the help of the command that refused the arguments: "(try cachecompat scan --help)"
      err.println("cachecompat: " + ex.getMessage() + " (try " + ex.getCommandLine().getCommandSpec().qualifiedName()
          + " --help)");
      return ERROR;
    });
    cl.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
      err.println("cachecompat: " + Console.describe(ex));
      if (main.debug) {
        ex.printStackTrace(err);
      }
      return ERROR;
    });
    int status = cl.execute(args);
    out.flush();
    return status;
  }

  /**
   * The command line, with the commands the arguments can reach: when the first argument names a command, that
   * command alone; otherwise all of them, for the top level's help and errors. Picocli builds a command's model
   * from its annotations by reflection, and a scan's start spent ~40 ms of CPU on the six it does not run
   * (docs/performance.md).
   */
  static CommandLine commandLine(Main main, String[] args) {
    CommandLine cl = new CommandLine(main);
    String first = args.length > 0 ? args[0] : null;
    for (Class<?> c : COMMANDS) {
      if (c.getAnnotation(Command.class).name().equals(first)) {
        return cl.addSubcommand(c);
      }
    }
    for (Class<?> c : COMMANDS) {
      cl.addSubcommand(c);
    }
    return cl;
  }

  /** Reads the version from the jar manifest. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = Main.class.getPackage().getImplementationVersion();
      return new String[] {"cachecompat " + (v == null ? "(development build)" : v)};
    }
  }
}
