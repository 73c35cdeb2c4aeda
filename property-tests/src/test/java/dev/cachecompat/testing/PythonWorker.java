package dev.cachecompat.testing;

import dev.cachecompat.testsupport.PythonInterpreter;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * One long-lived CPython process running worker.py, so thousands of property cases cost a pipe round trip each
 * instead of an interpreter start. Not thread-safe: one caller at a time.
 */
final class PythonWorker implements AutoCloseable {
  private final PythonInterpreter interpreter;
  private final Process process;
  private final DataOutputStream in;
  private final DataInputStream out;

  /** A reply: {@code ok} is status 'T'. */
  record Reply(boolean ok, byte[] payload) {
    String text() {
      return new String(payload, StandardCharsets.UTF_8);
    }
  }

  private PythonWorker(PythonInterpreter interpreter, Process process) {
    this.interpreter = interpreter;
    this.process = process;
    this.in = new DataOutputStream(new java.io.BufferedOutputStream(process.getOutputStream(), 1 << 16));
    this.out = new DataInputStream(new java.io.BufferedInputStream(process.getInputStream(), 1 << 16));
  }

  static PythonWorker start(PythonInterpreter interpreter) {
    try {
      Path script = Files.createTempFile("cachecompat-worker", ".py");
      script.toFile().deleteOnExit();
      try (InputStream s = PythonWorker.class.getResourceAsStream("worker.py")) {
        Files.write(script, s.readAllBytes());
      }
      Process p = new ProcessBuilder(interpreter.executable().toString(), "-u", script.toString())
          .redirectError(ProcessBuilder.Redirect.INHERIT)
          .start();
      return new PythonWorker(interpreter, p);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + interpreter, e);
    }
  }

  PythonInterpreter interpreter() {
    return interpreter;
  }

  boolean isPython2() {
    return interpreter.isPython2();
  }

  int highestProtocol() {
    String mm = interpreter.majorMinor();
    return interpreter.isPython2() ? 2 : mm.equals("3.6") || mm.equals("3.7") ? 4 : 5;
  }

  Reply call(char op, byte[]... fields) {
    try {
      ByteArrayOutputStream payload = new ByteArrayOutputStream();
      if (fields.length == 1 && op != 'C') {
        payload.write(fields[0]);
      } else {
        DataOutputStream d = new DataOutputStream(payload);
        for (byte[] f : fields) {
          d.writeInt(f.length);
          d.write(f);
        }
      }
      in.writeByte(op);
      in.writeInt(payload.size());
      payload.writeTo(in);
      in.flush();
      int status = out.readUnsignedByte();
      byte[] reply = new byte[out.readInt()];
      out.readFully(reply);
      return new Reply(status == 'T', reply);
    } catch (IOException e) {
      throw new UncheckedIOException(interpreter + " worker died (exit " + exitCode() + ")", e);
    }
  }

  private String exitCode() {
    return process.isAlive() ? "still alive" : String.valueOf(process.exitValue());
  }

  /** Splits a 'C' reply into CPython's pickles of the expected value, protocol 0 first. */
  static List<byte[]> pickles(byte[] payload) {
    List<byte[]> list = new ArrayList<>();
    java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(payload);
    while (b.hasRemaining()) {
      byte[] p = new byte[b.getInt()];
      b.get(p);
      list.add(p);
    }
    return list;
  }

  @Override
  public void close() {
    try {
      in.close();
    } catch (IOException ignored) {
      // the process is going away anyway
    }
    try {
      if (!process.waitFor(5, java.util.concurrent.TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }
}
