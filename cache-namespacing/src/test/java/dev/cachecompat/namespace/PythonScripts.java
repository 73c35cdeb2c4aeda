package dev.cachecompat.namespace;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** The committed Python scripts under src/test/resources/python. */
final class PythonScripts {
  private PythonScripts() {}

  static String load(String name) {
    try (InputStream in = PythonScripts.class.getResourceAsStream("/python/" + name)) {
      if (in == null) {
        throw new IllegalStateException("missing test resource python/" + name);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
