package dev.cachecompat.verifier;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A live Redis, scanned with {@code SCAN} (COUNT = batch size) over one plain RESP connection ({@link RespPipe}; no
 * Lettuce: its setup alone costs a scan more CPU than a few hundred thousand keys' reads, docs/performance.md).
 * For each batch, one pipelined write asks {@code GETRANGE key 0 P} and {@code PTTL} of every key, P being the
 * batch's value budget divided by its keys (at most {@link SourceOptions#maxValueBytes()}): a reply of at most P
 * bytes is the whole value, P + 1 bytes say the value is longer. Longer values get {@code STRLEN} and then
 * pipelined {@code GET}s (at most the budget per pipeline; values longer than {@link SourceOptions#maxValueBytes()}
 * are not fetched, and a GET answering more than that is read past, not kept), keys whose GETRANGE fails
 * (non-strings) get {@code TYPE}. The budget is {@link SourceOptions#BATCH_VALUE_BUDGET}, halved for full scans,
 * which fetch the next batch while delivering one (see {@link NodeScan#run}). Keys that vanish during the batch
 * are skipped. Replies are read straight into the batch's arrays (see {@link Fetch}). No script: a server runs
 * two plain commands per key for less CPU than one Lua call per key (docs/performance.md), and ACLs without
 * scripting need no other path.
 *
 * <p>Cursor: {@code CURSOR} (a SCAN cursor, the next batch starts there) or {@code CURSOR+N} (the batch at
 * CURSOR, of which the first N keys were already delivered), or {@code done}. Resuming in the middle of a batch
 * relies on SCAN returning the same batch for the same cursor and COUNT, which holds while the keyspace does not
 * change; otherwise SCAN's own guarantee applies (every key present throughout is returned at least once, and
 * may be returned twice).
 */
final class RedisSource extends AbstractScanSource {
  private static final Pattern CURSOR = Pattern.compile("(\\d{1,20})(?:\\+(\\d{1,9}))?");
  /** The longest key read from a SCAN reply (Redis's own default limit of a bulk string). */
  private static final long MAX_KEY_BYTES = 512L << 20;

  private final String description;
  private final NodeScan node;

  private RedisSource(String description, String address, RespPipe pipe, SourceOptions options) {
    super(options);
    this.description = description;
    this.node = new NodeScan(address, pipe, options, this);
    if (options.resumeCursor() != null) {
      node.resumeFrom(options.resumeCursor(), description);
    }
  }

  static RedisSource open(SourceUri uri, SourceOptions options) {
    SourceUri.HostPort hp = uri.hosts().get(0);
    RespPipe pipe = null;
    try {
      pipe = openPipe(hp.host(), hp.port(), uri.user(), uri.password(), uri.database(), options);
      return new RedisSource(uri.toString(), hp.toString(), pipe, options);
    } catch (RuntimeException e) {
      if (pipe != null) {
        pipe.close();
      }
      if (e instanceof SourceException) {
        throw e;
      }
      throw new SourceException("connection-failed", -1, "cannot connect to " + uri + ": " + rootMessage(e), e);
    }
  }

  /** The {@link RespPipe} of one node; a failure is unchecked, for the caller's connect error. */
  static RespPipe openPipe(String host, int port, String user, String password, int database,
      SourceOptions options) {
    try {
      return RespPipe.connect(host, port, user, password, database, options.timeout());
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  static void shutdown(io.lettuce.core.AbstractRedisClient client) {
    client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
  }

  static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
  }

  @Override
  void scan(EntryConsumer consumer) {
    node.run(consumer);
  }

  @Override
  public String cursor() {
    return node.cursor();
  }

  @Override
  public String describe() {
    return description;
  }

  @Override
  public void close() {
    node.close();
  }

  /** One SCAN reply: the next cursor and the keys. */
  record Page(String cursor, List<byte[]> keys) {
    boolean isFinished() {
      return cursor.equals("0");
    }
  }

  /**
   * The scan of one Redis node (a standalone server or a cluster master) over its own {@link RespPipe}. Delivers
   * through its owner, which serializes deliveries of several nodes and keeps {@link #cursor()} consistent with
   * what was delivered.
   */
  static final class NodeScan {
    private static final byte[] SCAN = ascii("SCAN");
    private static final byte[] COUNT = ascii("COUNT");
    private static final byte[] TYPE = ascii("TYPE");
    private static final byte[] STRLEN = ascii("STRLEN");
    private static final byte[] GET = ascii("GET");
    /**
     * The types this class compares: every type it holds is one of these same objects when equal to it (TYPE's
     * answers are mapped onto them), so an identity compare says it.
     */
    static final String STRING = "string";
    static final String NONE = "none";

    final String address;
    private final RespPipe pipe;
    private final SourceOptions options;
    private final AbstractScanSource owner;
    /** Cursor state, guarded by {@code owner}'s delivery lock: the batch's SCAN cursor and keys delivered of it. */
    private String scanCursor = "0";
    private int position;
    private boolean done;
    volatile boolean stopped;
    /** Advances {@link #position} as a key is delivered (one object for the scan, not one per key). */
    private final AbstractScanSource.Position delivered = next -> position = next;

    NodeScan(String address, RespPipe pipe, SourceOptions options, AbstractScanSource owner) {
      this.address = address;
      this.pipe = pipe;
      this.options = options;
      this.owner = owner;
    }

    private static byte[] ascii(String s) {
      return s.getBytes(StandardCharsets.US_ASCII);
    }

    void resumeFrom(String cursor, String source) {
      if (cursor.equals("done")) {
        done = true;
        return;
      }
      var m = CURSOR.matcher(cursor);
      if (!m.matches()) {
        throw new SourceException("bad-cursor", "bad resume cursor \"" + cursor + "\" for " + source
            + ": expected CURSOR, CURSOR+SKIP or done");
      }
      scanCursor = m.group(1);
      position = m.group(2) == null ? 0 : Integer.parseInt(m.group(2));
    }

    String cursor() {
      synchronized (owner) {
        return done ? "done" : position == 0 ? scanCursor : scanCursor + "+" + position;
      }
    }

    boolean isDone() {
      synchronized (owner) {
        return done;
      }
    }

    /**
     * Scans to the end, or until a delivery says stop or {@link #stopped} is set.
     *
     * <p>Full scans keep the server busy while a batch is delivered: the SCAN of the next batch goes out with the
     * current batch's {@link Fetch}, and the next batch's fetch goes out before the current batch is delivered.
     * Each fetch then gets half of {@link SourceOptions#BATCH_VALUE_BUDGET}, so the two batches held at once stay
     * within one budget. Replies come in the order the commands went out, so a batch that needs more commands
     * (TYPE, STRLEN, GET) first reads the fetched-ahead batch's replies. The cursor still moves only as keys are
     * delivered; a fetched-ahead batch is simply read again on resume. Sampled scans fetch one batch at a time
     * (they may read a batch twice).
     */
    void run(EntryConsumer consumer) {
      boolean ahead = options.sample() == 0;
      long budget = ahead ? SourceOptions.BATCH_VALUE_BUDGET / 2 : SourceOptions.BATCH_VALUE_BUDGET;
      Page nextPage = null;
      Fetch nextFetch = null;
      while (!isDone() && !stopped && !owner.sampleReached()) {
        String from;
        int skip;
        synchronized (owner) {
          from = scanCursor;
          skip = position;
        }
        Page page = nextPage;
        Fetch fetch = nextFetch;
        nextPage = null;
        nextFetch = null;
        if (page == null) {
          sendScan(from);
          flush();
          page = readScan();
        }
        List<byte[]> keys = page.keys();
        int end = keys.size();
        if (options.sample() > 0) {
          end = (int) Math.min(end, skip + Math.max(0, options.sample() - owner.count()));
        }
        int start = Math.min(skip, end);
        if (fetch == null && end > start) {
          fetch = Fetch.send(pipe, keys, start, end - start, budget, options.maxValueBytes());
        }
        boolean scanAhead = ahead && !page.isFinished();
        if (scanAhead) {
          sendScan(page.cursor());
        }
        flush();
        if (fetch != null) {
          read(fetch);
        }
        if (scanAhead) {
          nextPage = readScan();
          if (!nextPage.keys().isEmpty()) {
            nextFetch = Fetch.send(pipe, nextPage.keys(), 0, nextPage.keys().size(), budget,
                options.maxValueBytes());
            flush();
          }
        }
        if (!deliverBatch(consumer, keys, start, end, fetch, nextFetch, budget)) {
          return;
        }
        if (end < keys.size()) {
          continue; // keys of the sample vanished before they were read: take more of this same batch
        }
        synchronized (owner) {
          scanCursor = page.cursor();
          position = 0;
          done = page.isFinished();
        }
      }
    }

    private void sendScan(String cursor) {
      pipe.command(SCAN, ascii(cursor), COUNT, ascii(Integer.toString(options.batchSize())));
    }

    /** A SCAN reply: an array of the next cursor and an array of keys. */
    private Page readScan() {
      try {
        int parts = pipe.readArray(2);
        if (parts < 0) {
          throw serverError(pipe.lastError);
        }
        if (parts != 2) {
          throw lost(new IOException("SCAN answered an array of " + parts + " elements, not 2"));
        }
        byte[] cursor = pipe.readBulk(20);
        if (cursor == null) {
          throw lost(new IOException("SCAN answered an error as its cursor: " + pipe.lastError));
        }
        String next = new String(cursor, StandardCharsets.US_ASCII);
        if (!CURSOR.matcher(next).matches() || next.contains("+")) {
          throw lost(new IOException("SCAN answered a bad cursor: " + RawEntry.escape(cursor)));
        }
        int n = pipe.readArray(1 << 24);
        if (n < 0) {
          throw lost(new IOException("SCAN answered an error as its keys: " + pipe.lastError));
        }
        List<byte[]> keys = new ArrayList<>(Math.min(n, 1 << 16));
        for (int i = 0; i < n; i++) {
          byte[] k = pipe.bulk(MAX_KEY_BYTES);
          if (k == null) {
            throw lost(new IOException("SCAN answered an error as a key: " + pipe.lastError));
          }
          keys.add(k);
        }
        return new Page(next, keys);
      } catch (IOException e) {
        throw lost(e);
      }
    }

    private void read(Fetch f) {
      try {
        f.read(pipe);
      } catch (IOException e) {
        throw lost(e);
      }
    }

    private void flush() {
      try {
        pipe.flush();
      } catch (IOException e) {
        throw lost(e);
      }
    }

    /** Closes this node's connection. */
    void close() {
      pipe.close();
    }

    /**
     * Delivers keys {@code from} to {@code end} of a batch whose {@code fetch} was read. {@code pending} is a fetch
     * sent after it and perhaps not read yet: it is read before any more command goes out.
     */
    private boolean deliverBatch(EntryConsumer consumer, List<byte[]> keys, int from, int end, Fetch fetch,
        Fetch pending, long budget) {
      int n = end - from;
      if (n == 0) {
        return true;
      }
      readFetch(fetch, pending);
      String[] type = fetch.type;
      long[] ttl = fetch.ttl;
      long[] length = fetch.length;
      byte[][] value = fetch.value;
      // Values longer than the fetch's probe (and empty ones): pipelined GETs, at most `budget` bytes a pipeline
      // (a single over-budget value still goes alone), read in key order as the keys are delivered.
      int getsEnd = 0; // keys before this index had their GET sent (and read, when they are before i)
      for (int i = 0; i < n; i++) {
        byte[] whole = value[i];
        if (whole != null) { // the common case: a string value the fetch read whole (so not gone, no GET)
          value[i] = null; // delivered: let it go
          if (!deliverWhole(consumer, keys.get(from + i), whole, ttl[i], from + i + 1)) {
            drainGets(i + 1, getsEnd, type, value, length);
            return false;
          }
          continue;
        }
        String t = type[i];
        boolean fetched = false;
        if (wantsGet(type[i], value[i], length[i])) {
          if (i >= getsEnd) {
            readPending(pending);
            long bytes = 0;
            int j = i;
            for (; j < n; j++) {
              boolean wanted = wantsGet(type[j], value[j], length[j]);
              if (wanted && j > i && bytes + length[j] > budget) {
                break;
              }
              if (wanted) {
                pipe.command(GET, keys.get(from + j));
                bytes += length[j];
              }
            }
            getsEnd = j;
            flush();
          }
          byte[] v = readGet(i, length);
          if (v != RespPipe.SKIPPED) { // else: grew past the limit since its STRLEN, reported by its new length
            value[i] = v;
            fetched = true;
          }
        }
        long pttl = ttl[i];
        if (t == null || t == NONE || pttl == -2 || (fetched && value[i] == null)) {
          if (!skipVanished(from + i + 1)) {
            drainGets(i + 1, getsEnd, type, value, length);
            return false;
          }
          continue;
        }
        long len = t == STRING ? (value[i] != null ? value[i].length : length[i]) : -1;
        RawEntry e = new RawEntry(keys.get(from + i), value[i], len, null, ttlFromMillis(pttl), t);
        value[i] = null; // delivered: let it go
        if (!owner.deliver(consumer, e, delivered, from + i + 1)) {
          drainGets(i + 1, getsEnd, type, value, length);
          return false;
        }
      }
      return true;
    }

    /**
     * Delivers a string that the fetch read whole. A method of its own: the batch's loop runs in the interpreter
     * until C1 compiles it on stack (60,000 back edges: the first 60 batches); this is compiled after 200 keys.
     */
    private boolean deliverWhole(EntryConsumer consumer, byte[] key, byte[] value, long pttl, int next) {
      return owner.deliver(consumer, new RawEntry(key, value, value.length, null, ttlFromMillis(pttl), STRING),
          delivered, next);
    }

    private boolean wantsGet(String type, byte[] value, long length) {
      return type == STRING && value == null && length <= options.maxValueBytes();
    }

    /**
     * The reply of key {@code i}'s GET: its value; null when the key vanished or changed type since (nil or an
     * error); {@link RespPipe#SKIPPED} when it grew past the limit since its STRLEN (read past, not kept; its new
     * length goes to {@code length[i]}).
     */
    private byte[] readGet(int i, long[] length) {
      try {
        byte[] v = pipe.readBulkOrSkip(options.maxValueBytes());
        if (v == RespPipe.SKIPPED) {
          length[i] = pipe.skippedLength;
          return v;
        }
        return v == RespPipe.NIL ? null : v;
      } catch (IOException e) {
        throw lost(e);
      }
    }

    /** Reads the GET replies still unread when a delivery stops early, so the pipe stays in step. */
    private void drainGets(int i, int getsEnd, String[] type, byte[][] value, long[] length) {
      for (; i < getsEnd; i++) {
        if (wantsGet(type[i], value[i], length[i])) {
          readGet(i, length);
        }
      }
    }

    private void readPending(Fetch pending) {
      if (pending != null && !pending.isRead()) {
        read(pending);
      }
    }

    /**
     * Completes a {@link Fetch} that was read (its per-key type, PTTL, length and value): fails on its first PTTL
     * error, asks TYPE for the keys whose GETRANGE failed and STRLEN for the values longer than the fetch's probe,
     * in one more pipeline. A value left null with a length within {@link SourceOptions#maxValueBytes()} is fetched
     * by GET afterwards.
     */
    private void readFetch(Fetch f, Fetch pending) {
      if (f.firstTtlError >= 0) {
        throw serverError(f.ttlError[f.firstTtlError]);
      }
      if (f.untyped == 0 && f.longer == 0) {
        return;
      }
      String[] type = f.type;
      long[] length = f.length;
      List<Integer> untyped = null;
      List<Integer> longer = null;
      for (int i = 0; i < f.n; i++) {
        if (f.kind[i] == Fetch.UNTYPED) {
          (untyped == null ? untyped = new ArrayList<>() : untyped).add(i);
        } else if (f.kind[i] == Fetch.LONGER) {
          (longer == null ? longer = new ArrayList<>() : longer).add(i);
        }
      }
      readPending(pending);
      for (int i : untyped == null ? List.<Integer>of() : untyped) {
        pipe.command(TYPE, f.keys.get(f.from + i));
      }
      for (int i : longer == null ? List.<Integer>of() : longer) {
        pipe.command(STRLEN, f.keys.get(f.from + i));
      }
      flush();
      try {
        for (int i : untyped == null ? List.<Integer>of() : untyped) {
          String t = pipe.readSimple();
          if (t == null) {
            throw serverError(pipe.lastError);
          }
          type[i] = t.equals(STRING) ? STRING : t.equals(NONE) ? NONE : t;
        }
        for (int i : longer == null ? List.<Integer>of() : longer) {
          long len = pipe.readInteger();
          if (len == Long.MIN_VALUE) {
            type[i] = null; // no longer a string: counts as vanished, like a GET that fails
          } else {
            length[i] = len; // 0: gone since, the GET tells
          }
        }
      } catch (IOException e) {
        throw lost(e);
      }
    }

    private boolean skipVanished(int next) {
      synchronized (owner) {
        position = next;
      }
      return !stopped;
    }

    SourceException serverError(String message) {
      return new SourceException("server-error", -1, address + " answered " + message
          + " after " + owner.count() + " keys (cursor " + owner.cursor() + ")");
    }

    SourceException lost(Throwable cause) {
      return new SourceException("connection-lost", -1, "lost connection to " + address + " after "
          + owner.count() + " keys (cursor " + owner.cursor() + ")", cause);
    }
  }

  /**
   * One batch's {@code GETRANGE key 0 probe} and {@code PTTL key} for each key, buffered on a {@link RespPipe}
   * by {@link #send} and read straight into per-key arrays by {@link #read}, in the order they went out.
   *
   * <p>{@code probe} is the batch's budget divided by its keys, at most the value limit: a GETRANGE answers at
   * most {@code probe + 1} bytes, so a batch holds at most budget + keys bytes of values, and a reply of at most
   * {@code probe} bytes is the whole value. As each key is read: a PTTL of -2 makes its type {@code none} (gone); a
   * failed GETRANGE (a non-string) leaves its type null and its length -1, {@link #UNTYPED}; else its type is
   * {@code string} and a reply longer than the probe is {@link #LONGER}, an empty one leaves the value null (an
   * empty string, or a key that appeared between GETRANGE and PTTL: the GET tells), any other is the value.
   * {@code ttlError[i]} is set when PTTL failed; {@link NodeScan} fails on the first such key before delivering any.
   */
  static final class Fetch {
    static final byte UNTYPED = 1;
    static final byte LONGER = 2;

    final List<byte[]> keys;
    final int from;
    final int n;
    final long probe;
    final String[] type;
    final long[] ttl;
    final long[] length;
    final byte[][] value;
    final byte[] kind;
    final String[] ttlError;
    /** The first key whose PTTL failed, or -1. */
    int firstTtlError = -1;
    /** How many keys are {@link #UNTYPED} and how many {@link #LONGER}. */
    int untyped;
    int longer;
    /** Whether {@link #read} ran (on the scan's thread only). */
    private boolean read;

    private Fetch(List<byte[]> keys, int from, int n, long probe) {
      this.keys = keys;
      this.from = from;
      this.n = n;
      this.probe = probe;
      this.type = new String[n];
      this.ttl = new long[n];
      this.length = new long[n];
      this.value = new byte[n][];
      this.kind = new byte[n];
      this.ttlError = new String[n];
    }

    /** Buffers (does not flush) the fetch of {@code n > 0} keys from {@code from}. */
    static Fetch send(RespPipe pipe, List<byte[]> keys, int from, int n, long budget, long maxValueBytes) {
      long probe = Math.min(maxValueBytes, budget / n);
      byte[] middle = RespPipe.getrangeAndPttlMiddle(probe);
      for (int i = 0; i < n; i++) {
        pipe.getrangeAndPttl(keys.get(from + i), middle);
      }
      return new Fetch(keys, from, n, probe);
    }

    boolean isRead() {
      return read;
    }

    /** Reads the replies of {@link #send}'s commands, which must be the next replies on {@code pipe}; once. */
    void read(RespPipe pipe) throws IOException {
      if (read) {
        return;
      }
      read = true;
      for (int i = 0; i < n; i++) {
        readKey(pipe, i);
      }
    }

    /**
     * Key {@code i}'s two replies, sorted as the class says. A method of its own: the loop above runs in the
     * interpreter until C1 compiles it on stack (60,000 back edges: the first 60 batches); this is compiled after
     * 200 keys.
     */
    private void readKey(RespPipe pipe, int i) throws IOException {
      byte[] head = pipe.bulk(probe + 1);
      long pttl = pipe.integer();
      ttl[i] = pttl;
      if (pttl == Long.MIN_VALUE) {
        ttlError[i] = pipe.lastError;
        if (firstTtlError < 0) {
          firstTtlError = i;
        }
        return;
      }
      if (pttl == -2) {
        type[i] = NodeScan.NONE; // gone by the time PTTL ran
      } else if (head == null) { // GETRANGE failed: not a string (WRONGTYPE)
        length[i] = -1;
        kind[i] = UNTYPED;
        untyped++;
      } else {
        type[i] = NodeScan.STRING;
        if (head.length > probe) {
          kind[i] = LONGER;
          longer++;
        } else if (head.length > 0) {
          length[i] = head.length;
          value[i] = head;
        }
      }
    }
  }
}
