package dev.cachecompat.verifier;

import dev.cachecompat.core.CacheCompatException;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;

/** The streams a command talks to, and one-line descriptions of failures. */
final class Console {
  final InputStream in;
  final PrintStream out;
  final PrintStream err;
  /** Whether a person is watching: standard input and output are a terminal. */
  final boolean terminal;

  Console(InputStream in, PrintStream out, PrintStream err, boolean terminal) {
    this.in = in;
    this.out = out;
    this.err = err;
    this.terminal = terminal;
  }

  /** One line saying what went wrong, without a stack trace. */
  static String describe(Throwable t) {
    if (t instanceof UncheckedIOException) {
      t = t.getCause();
    }
    if (t instanceof NoSuchFileException) {
      return "no such file: " + t.getMessage();
    }
    if (t instanceof AccessDeniedException) {
      return "permission denied: " + t.getMessage();
    }
    if (t instanceof CacheCompatException || t instanceof IllegalArgumentException) {
      return t.getMessage();
    }
    if (t instanceof IOException) {
      return "I/O error: " + t.getMessage();
    }
    String m = t.getMessage();
    return t.getClass().getSimpleName() + (m == null ? "" : ": " + m) + " (run with --debug for details)";
  }
}
