package dev.cachecompat.verifier;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Plain files as {@code inspect} reads them ({@link Inputs#expand}): a file is one entry, a directory is every
 * regular file in it sorted by name. The key is the file name (UTF-8), no flags, TTL or type. A file longer
 * than {@link SourceOptions#maxValueBytes()} has a null value and its length.
 */
final class FileSource extends AbstractScanSource {
  private final Path path;

  FileSource(Path path, SourceOptions options) {
    super(options);
    this.path = path;
    if (options.resumeCursor() != null) {
      throw new SourceException("bad-cursor", "files have no scan cursor: " + path + " cannot resume");
    }
  }

  @Override
  public String describe() {
    return path.toString();
  }

  @Override
  void scan(EntryConsumer consumer) {
    List<Inputs.Input> inputs;
    try {
      inputs = Inputs.expand(List.of(path.toString()), InputStream.nullInputStream());
    } catch (IOException e) {
      throw new SourceException("io-error", -1, "cannot list " + path + ": " + Console.describe(e), e);
    }
    for (Inputs.Input input : inputs) {
      Path p = Path.of(input.name());
      byte[] key = (p.getFileName() == null ? input.name() : p.getFileName().toString())
          .getBytes(StandardCharsets.UTF_8);
      RawEntry e;
      try {
        e = RawEntry.of(key, input.read(options.maxValueBytes()), null, null, null);
      } catch (Inputs.TooLarge tooLarge) {
        long size;
        try {
          size = Files.size(p);
        } catch (IOException io) {
          size = tooLarge.limit + 1;
        }
        e = new RawEntry(key, null, size, null, null, null);
      } catch (IOException io) {
        throw new SourceException("io-error", -1, "cannot read " + input.name() + " after " + count() + " files: "
            + Console.describe(io), io);
      }
      if (!deliver(consumer, e)) {
        return;
      }
    }
  }
}
