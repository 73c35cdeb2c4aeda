package dev.cachecompat.verifier;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * Live memcached servers, each in turn, over the text protocol on two plain sockets per server: one streams
 * {@code lru_crawler metadump all} (one line per item: {@code key=<url-encoded> exp=... size=...}), the other
 * fetches a batch of those keys with pipelined meta gets {@code mg KEY v f t} (value, client flags and the TTL
 * left by the server's own clock; keys that are not printable ASCII go base64-encoded with {@code b}). Pipelines
 * are bounded by the batch size and by {@link SourceOptions#BATCH_VALUE_BUDGET} bytes of items; items larger than
 * {@link SourceOptions#maxValueBytes()} are asked without their value ({@code mg KEY f t s}). Items that expire
 * or are evicted between the metadump and the get are skipped. Needs memcached 1.6 (meta commands) with the LRU
 * crawler on (the default). No resume cursor: memcached has none.
 *
 * <p>Like {@code memcached-tool dump}, the scan sees what the LRU crawler sees: complete on a quiet server, but
 * on one being written to, items moving between LRU segments during the crawl can be missed (21 of 300,000 just
 * after a burst of writes in a test on memcached 1.6.18; none once it was quiet).
 */
final class MemcachedSource extends AbstractScanSource {
  private static final int MAX_LINE = 64 * 1024;

  private final SourceUri uri;
  private final List<Socket> open = new ArrayList<>();

  MemcachedSource(SourceUri uri, SourceOptions options) {
    super(options);
    this.uri = uri;
    if (options.resumeCursor() != null) {
      throw new SourceException("bad-cursor", "memcached has no scan cursor: " + uri + " cannot resume");
    }
  }

  @Override
  public String describe() {
    return uri.toString();
  }

  @Override
  void scan(EntryConsumer consumer) {
    for (SourceUri.HostPort hp : uri.hosts()) {
      if (!scanServer(hp, consumer)) {
        return;
      }
    }
  }

  /** One queued key of the metadump. */
  private record Item(byte[] key, long size) {}

  private boolean scanServer(SourceUri.HostPort hp, EntryConsumer consumer) {
    try (Socket dump = connect(hp); Socket get = connect(hp)) {
      InputStream dumpIn = new BufferedInputStream(dump.getInputStream(), 64 * 1024);
      OutputStream dumpOut = dump.getOutputStream();
      InputStream getIn = new BufferedInputStream(get.getInputStream(), 64 * 1024);
      OutputStream getOut = new BufferedOutputStream(get.getOutputStream(), 64 * 1024);
      try {
        dumpOut.write("lru_crawler metadump all\r\n".getBytes(StandardCharsets.US_ASCII));
        dumpOut.flush();
        List<Item> batch = new ArrayList<>();
        long bytes = 0;
        while (true) {
          String line = readLine(dumpIn, hp);
          boolean end = line.equals("END");
          if (!end) {
            if (!line.startsWith("key=")) {
              throw new SourceException("server-error", "memcached " + hp + " answered \"" + line
                  + "\" to lru_crawler metadump all after " + count() + " keys");
            }
            Item item = parseMeta(line, hp);
            batch.add(item);
            bytes += Math.min(item.size(), options.maxValueBytes());
          }
          long room = options.sample() == 0 ? Long.MAX_VALUE : options.sample() - count();
          if (end || batch.size() >= options.batchSize() || batch.size() >= room
              || bytes >= SourceOptions.BATCH_VALUE_BUDGET) {
            if (!fetch(batch, getIn, getOut, hp, consumer)) {
              return false;
            }
            batch.clear();
            bytes = 0;
          }
          if (end) {
            return true;
          }
        }
      } catch (IOException e) {
        throw new SourceException("connection-lost", -1, "lost connection to " + hp + " after " + count()
            + " keys", e);
      }
    } catch (IOException e) {
      // from closing the sockets only: the scan itself is complete
      return true;
    }
  }

  private Socket connect(SourceUri.HostPort hp) {
    Socket s = new Socket();
    try {
      int timeout = (int) Math.min(Integer.MAX_VALUE, options.timeout().toMillis());
      s.connect(new InetSocketAddress(hp.host(), hp.port()), timeout);
      s.setSoTimeout(timeout);
      s.setTcpNoDelay(true);
      synchronized (open) {
        open.add(s);
      }
      return s;
    } catch (IOException e) {
      try {
        s.close();
      } catch (IOException ignored) {
        // nothing more to do
      }
      throw new SourceException("connection-failed", -1, "cannot connect to memcached://" + hp + ": "
          + RedisSource.rootMessage(e), e);
    }
  }

  private Item parseMeta(String line, SourceUri.HostPort hp) {
    byte[] key = null;
    long size = 0;
    for (String field : line.split(" ")) {
      if (field.startsWith("key=")) {
        key = urlDecode(field.substring(4), line, hp);
      } else if (field.startsWith("size=")) {
        size = parseLong(field.substring(5), line, hp);
      }
    }
    if (key == null) {
      throw malformed(line, hp);
    }
    return new Item(key, size);
  }

  private SourceException malformed(String line, SourceUri.HostPort hp) {
    return new SourceException("server-error", "memcached " + hp + " sent an unexpected line \"" + line
        + "\" after " + count() + " keys");
  }

  private long parseLong(String s, String line, SourceUri.HostPort hp) {
    if (s.isEmpty() || s.length() > 18 || !s.chars().allMatch(c -> c >= '0' && c <= '9' || c == '-')) {
      throw malformed(line, hp);
    }
    try {
      return Long.parseLong(s);
    } catch (NumberFormatException e) {
      throw malformed(line, hp);
    }
  }

  private byte[] urlDecode(String s, String line, SourceUri.HostPort hp) {
    ByteArrayOutputStream b = new ByteArrayOutputStream(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '%') {
        if (i + 2 >= s.length() || Character.digit(s.charAt(i + 1), 16) < 0
            || Character.digit(s.charAt(i + 2), 16) < 0) {
          throw malformed(line, hp);
        }
        b.write(Character.digit(s.charAt(i + 1), 16) * 16 + Character.digit(s.charAt(i + 2), 16));
        i += 2;
      } else {
        b.write(c);
      }
    }
    return b.toByteArray();
  }

  /** Pipelines one meta get per key, then reads the answers in order and delivers them. */
  private boolean fetch(List<Item> batch, InputStream in, OutputStream out, SourceUri.HostPort hp,
      EntryConsumer consumer) throws IOException {
    for (Item item : batch) {
      boolean printable = item.key().length <= 250 && item.key().length > 0;
      for (byte x : item.key()) {
        printable &= x > 0x20 && x < 0x7f;
      }
      String key = printable ? new String(item.key(), StandardCharsets.US_ASCII)
          : Base64.getEncoder().encodeToString(item.key()) + " b";
      String want = item.size() > options.maxValueBytes() ? " f t s" : " v f t";
      out.write(("mg " + key + want + "\r\n").getBytes(StandardCharsets.US_ASCII));
    }
    out.flush();
    boolean more = true;
    for (Item item : batch) {
      String line = readLine(in, hp);
      String[] parts = line.split(" ");
      if (parts[0].equals("EN")) {
        continue; // expired or evicted since the metadump
      }
      boolean va = parts[0].equals("VA");
      if (!va && !parts[0].equals("HD")) {
        throw new SourceException("server-error", "memcached " + hp + " answered \"" + line + "\" to mg "
            + RawEntry.display(item.key()) + " after " + count() + " keys"
            + (line.equals("ERROR") ? " (meta commands need memcached 1.6 or later)" : ""));
      }
      Integer flags = null;
      Long ttl = null;
      long size = -1;
      for (int i = va ? 2 : 1; i < parts.length; i++) {
        String p = parts[i];
        if (p.startsWith("f")) {
          flags = (int) parseLong(p.substring(1), line, hp);
        } else if (p.startsWith("t")) {
          long t = parseLong(p.substring(1), line, hp);
          ttl = t < 0 ? null : t;
        } else if (p.startsWith("s")) {
          size = parseLong(p.substring(1), line, hp);
        }
      }
      byte[] value = null;
      if (va) {
        long n = parts.length > 1 ? parseLong(parts[1], line, hp) : -1;
        if (n < 0 || n > options.maxValueBytes()) {
          throw malformed(line, hp);
        }
        value = in.readNBytes((int) n);
        if (value.length < n || in.read() != '\r' || in.read() != '\n') {
          throw new EOFException("value of " + RawEntry.display(item.key()) + " cut short");
        }
        size = n;
      }
      if (more) {
        more = deliver(consumer, new RawEntry(item.key(), value, size, flags, ttl, null));
      }
      // keep reading the answers already asked for, so the connection stays in step (it is closed anyway)
    }
    return more;
  }

  private static String readLine(InputStream in, SourceUri.HostPort hp) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream(128);
    while (true) {
      int c = in.read();
      if (c < 0) {
        throw new EOFException("connection to " + hp + " closed");
      }
      if (c == '\n') {
        break;
      }
      if (b.size() >= MAX_LINE) {
        throw new SourceException("server-error", "memcached " + hp + " sent a line longer than " + MAX_LINE
            + " bytes");
      }
      b.write(c);
    }
    byte[] line = b.toByteArray();
    int n = line.length > 0 && line[line.length - 1] == '\r' ? line.length - 1 : line.length;
    return new String(line, 0, n, StandardCharsets.ISO_8859_1);
  }

  @Override
  public void close() {
    synchronized (open) {
      for (Socket s : open) {
        try {
          s.close();
        } catch (IOException ignored) {
          // closing anyway
        }
      }
      open.clear();
    }
  }
}
