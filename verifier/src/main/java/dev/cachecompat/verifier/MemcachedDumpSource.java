package dev.cachecompat.verifier;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The output of {@code memcached-tool HOST:PORT dump}: records {@code add KEY FLAGS EXPTIME BYTES\r\n} followed
 * by BYTES of data and {@code \r\n} (the format of memcached's own {@code add} command; KEY is the raw key,
 * memcached-tool URL-decodes it). EXPTIME follows memcached: 0 never expires, up to 30 days is relative, more is
 * an absolute unix time (what memcached-tool writes); TTLs are reported relative to now, 0 when already past.
 * Streamed: one record in memory at a time; values longer than {@link SourceOptions#maxValueBytes()} are skipped
 * on the stream. A truncated or malformed record is a {@link SourceException} with its byte offset, after every
 * record before it was delivered.
 */
final class MemcachedDumpSource extends AbstractScanSource {
  private static final int MAX_LINE = 4096;
  private static final long THIRTY_DAYS = 60L * 60 * 24 * 30;

  private final Path path;
  private InputStream in;
  private long offset;

  MemcachedDumpSource(Path path, SourceOptions options) {
    super(options);
    this.path = path;
    if (options.resumeCursor() != null) {
      throw new SourceException("bad-cursor", "a memcached dump has no scan cursor: " + path + " cannot resume");
    }
  }

  @Override
  public String describe() {
    return path.toString();
  }

  @Override
  void scan(EntryConsumer consumer) {
    try {
      in = new BufferedInputStream(Files.newInputStream(path), 64 * 1024);
      while (true) {
        long start = offset;
        String line = readLine(start);
        if (line == null) {
          return;
        }
        RawEntry e = record(line, start);
        if (!deliver(consumer, e)) {
          return;
        }
      }
    } catch (IOException e) {
      throw new SourceException("io-error", offset, "cannot read " + path + " at offset " + offset + ": "
          + Console.describe(e), e);
    } finally {
      close();
    }
  }

  private RawEntry record(String line, long start) throws IOException {
    String[] f = line.split(" ", -1);
    if (f.length != 5 || !f[0].equals("add") || f[1].isEmpty() || !digits(f[2], 10) || !signedDigits(f[3])
        || !digits(f[4], 10)) {
      throw new SourceException("malformed", start, path + ": the line at offset " + start + " is not"
          + " \"add KEY FLAGS EXPTIME BYTES\": \"" + RawEntry.escape(line.getBytes(StandardCharsets.ISO_8859_1))
          + "\"");
    }
    byte[] key = f[1].getBytes(StandardCharsets.ISO_8859_1);
    long flags = Long.parseLong(f[2]);
    long exp = Long.parseLong(f[3]);
    long len = Long.parseLong(f[4]);
    if (flags > 0xffffffffL) {
      throw new SourceException("malformed", start, path + ": record " + RawEntry.display(key) + " at offset "
          + start + " has flags " + flags + ", more than 32 bits");
    }
    long dataStart = offset;
    byte[] value = null;
    long got;
    if (len <= options.maxValueBytes()) {
      value = in.readNBytes((int) len);
      got = value.length;
    } else {
      got = skip(len);
    }
    offset += got;
    if (got < len) {
      throw truncated(key, start, len, got);
    }
    int cr = in.read();
    int lf = cr < 0 ? -1 : in.read();
    if (cr < 0 || lf < 0) {
      throw truncated(key, start, len, got);
    }
    offset += 2;
    if (cr != '\r' || lf != '\n') {
      throw new SourceException("malformed", dataStart + len, path + ": the " + len + " bytes of "
          + RawEntry.display(key) + " (record at offset " + start + ") are not followed by \\r\\n");
    }
    return new RawEntry(key, value, len, (int) flags, ttl(exp), null);
  }

  private SourceException truncated(byte[] key, long start, long len, long got) {
    return new SourceException("truncated", start, path + " is truncated: record " + RawEntry.display(key)
        + " at offset " + start + " claims " + len + " bytes + \\r\\n but the file ends after " + got);
  }

  private static Long ttl(long exp) {
    if (exp == 0) {
      return null;
    }
    if (exp < 0) {
      return 0L;
    }
    if (exp <= THIRTY_DAYS) {
      return exp;
    }
    return Math.max(0, exp - System.currentTimeMillis() / 1000);
  }

  /** Skips up to n bytes, returning how many there were. */
  private long skip(long n) throws IOException {
    long done = 0;
    while (done < n) {
      long s = in.skip(n - done);
      if (s <= 0) {
        if (in.read() < 0) {
          break;
        }
        s = 1;
      }
      done += s;
    }
    return done;
  }

  private static boolean digits(String s, int max) {
    return !s.isEmpty() && s.length() <= max && s.chars().allMatch(c -> c >= '0' && c <= '9');
  }

  private static boolean signedDigits(String s) {
    return digits(s.startsWith("-") ? s.substring(1) : s, 18);
  }

  /** The next line without its \r\n, as Latin-1 (one char per byte); null at a clean end of file. */
  private String readLine(long start) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream(64);
    while (true) {
      int c = in.read();
      if (c < 0) {
        if (b.size() == 0) {
          return null;
        }
        throw new SourceException("truncated", start, path + " is truncated: the line at offset " + start
            + " has no end (\"" + RawEntry.escape(b.toByteArray()) + "\")");
      }
      offset++;
      if (c == '\n') {
        break;
      }
      if (b.size() >= MAX_LINE) {
        throw new SourceException("malformed", start, path + ": the line at offset " + start + " is longer than "
            + MAX_LINE + " bytes; not a memcached-tool dump?");
      }
      b.write(c);
    }
    byte[] line = b.toByteArray();
    int n = line.length > 0 && line[line.length - 1] == '\r' ? line.length - 1 : line.length;
    return new String(line, 0, n, StandardCharsets.ISO_8859_1);
  }

  @Override
  public void close() {
    if (in != null) {
      try {
        in.close();
      } catch (IOException ignored) {
        // read-only file
      }
      in = null;
    }
  }
}
