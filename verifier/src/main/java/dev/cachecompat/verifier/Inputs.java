package dev.cachecompat.verifier;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

/**
 * Turns PATH arguments into inputs: a file is itself, a directory is every regular file in it sorted by name,
 * {@code -} is standard input. Reading is capped so a huge file is refused without being read whole.
 */
final class Inputs {
  private Inputs() {}

  /** One input, named as it is reported in output lines. */
  interface Input {
    String name();

    /** The content, or throws {@link TooLarge} past {@code maxBytes}, or an IOException. */
    byte[] read(long maxBytes) throws IOException;
  }

  /** An input larger than the payload limit; nothing past the limit was read. */
  static final class TooLarge extends IOException {
    private static final long serialVersionUID = 1L;
    final long limit;

    TooLarge(String name, long limit) {
      super(name + " is larger than the payload limit of " + limit + " bytes");
      this.limit = limit;
    }
  }

  static List<Input> expand(List<String> args, InputStream stdin) throws IOException {
    List<Input> inputs = new ArrayList<>();
    for (String a : args) {
      if (a.equals("-")) {
        inputs.add(new StreamInput("-", stdin));
        continue;
      }
      Path p = Path.of(a);
      if (Files.isDirectory(p)) {
        try (Stream<Path> s = Files.list(p)) {
          s.filter(Files::isRegularFile).sorted().forEach(f -> inputs.add(new FileInput(f)));
        }
      } else {
        inputs.add(new FileInput(p));
      }
    }
    return inputs;
  }

  static byte[] readCapped(InputStream in, String name, long maxBytes) throws IOException {
    int cap = (int) Math.min(maxBytes + 1, Integer.MAX_VALUE - 8);
    byte[] buf = new byte[Math.min(cap, 8192)];
    int n = 0;
    while (true) {
      if (n == buf.length) {
        if (buf.length >= cap) {
          throw new TooLarge(name, maxBytes);
        }
        buf = Arrays.copyOf(buf, (int) Math.min((long) buf.length * 2, cap));
      }
      int r = in.read(buf, n, buf.length - n);
      if (r < 0) {
        break;
      }
      n += r;
      if (n > maxBytes) {
        throw new TooLarge(name, maxBytes);
      }
    }
    return Arrays.copyOf(buf, n);
  }

  private static final class FileInput implements Input {
    private final Path path;

    FileInput(Path path) {
      this.path = path;
    }

    @Override
    public String name() {
      return path.toString();
    }

    @Override
    public byte[] read(long maxBytes) throws IOException {
      if (Files.isRegularFile(path) && Files.size(path) > maxBytes) {
        throw new TooLarge(name(), maxBytes);
      }
      try (InputStream in = Files.newInputStream(path)) {
        return readCapped(in, name(), maxBytes);
      }
    }
  }

  private static final class StreamInput implements Input {
    private final String name;
    private final InputStream in;

    StreamInput(String name, InputStream in) {
      this.name = name;
      this.in = in;
    }

    @Override
    public String name() {
      return name;
    }

    @Override
    public byte[] read(long maxBytes) throws IOException {
      return readCapped(in, name, maxBytes);
    }
  }
}
