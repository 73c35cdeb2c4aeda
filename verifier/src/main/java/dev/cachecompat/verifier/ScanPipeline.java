package dev.cachecompat.verifier;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;

/**
 * Runs one scan in three overlapping stages: the source's I/O on a thread of its own, classification (inspect,
 * decode, value view, JSON line) on worker threads, a chunk of entries at a time, and the results handed on in
 * the source's order on the calling thread. Memory stays bounded: at most {@link #IN_FLIGHT_BYTES} of values (a
 * single larger value alone) and {@link #queueCapacity} chunks are between the source and the output.
 *
 * <p>Not thread-safe: one {@link #run} at a time. The workers are daemon threads; {@link #close()} ends them.
 */
final class ScanPipeline implements AutoCloseable {
  /**
   * Entries classified per task: big enough to amortize the hand-offs, small enough to flush output often (a few
   * milliseconds of keys). 512 rather than 128: a 1,000,000-key scan took 4-5% less wall time per doubling (fewer
   * hand-offs and wake-ups between the stages; a chunk's lines, over 64 KiB, go past the output's buffer instead of
   * through it), and 1-2% less CPU.
   */
  static final int CHUNK = 512;
  /** Value bytes between the source and the output at most (besides the source's own batch). */
  static final long IN_FLIGHT_BYTES = 2 * SourceOptions.BATCH_VALUE_BUDGET;
  /** A permit stands for 1 KiB of values: {@code 1 << PERMIT_SHIFT} bytes. */
  private static final int PERMIT_SHIFT = 10;
  private static final int PERMITS = (int) (IN_FLIGHT_BYTES >>> PERMIT_SHIFT);

  /** Receives the results in the source's order, on the thread that called {@link #run}. */
  interface Sink {
    /**
     * One chunk of results.
     *
     * @param results the results; a value longer than {@link #KEPT_VALUE_BYTES} is dropped (the lines hold them)
     * @param lines the chunk's JSON lines, UTF-8, each ending in a newline, in its first {@code linesLength} bytes;
     *     null when lines were not asked for; the pipeline reuses the array once this call returns
     * @param linesLength how many bytes of {@code lines} hold the lines
     * @param cursor the source's cursor after the chunk's last entry; null when not tracked
     */
    void accept(List<EntryClassifier.Result> results, byte[] lines, int linesLength, String cursor);
  }

  private final EntryClassifier classifier;
  private final boolean lines;
  private final int queueCapacity;
  private final ExecutorService workers;

  /**
   * @param classifier classifies entries; used from several threads at once
   * @param lines whether to render each result's JSON line
   * @param threads classification threads
   */
  ScanPipeline(EntryClassifier classifier, boolean lines, int threads) {
    this.classifier = classifier;
    this.lines = lines;
    this.queueCapacity = 2 * threads + 2;
    this.freeLineBuffers = new ArrayBlockingQueue<>(queueCapacity + threads);
    this.workers = Executors.newFixedThreadPool(threads, r -> {
      Thread t = new Thread(r, "scan-classify");
      t.setDaemon(true);
      return t;
    });
  }

  /** One chunk's classified results, and its lines in the first {@code linesLength} bytes of {@code lines}. */
  private record Done(List<EntryClassifier.Result> results, byte[] lines, int linesLength) {}

  /** A chunk on its way: its results to come, the cursor after it, and the permits it holds. */
  private record Pending(Future<Done> done, String cursor, int permits) {}

  private static final Pending END = new Pending(CompletableFuture.completedFuture(null), null, 0);

  /**
   * Scans {@code source} to its end, handing every entry's result to {@code sink} in the source's order. When the
   * source fails, every entry it delivered before is handed on first, then its exception is thrown.
   *
   * @param trackCursor whether to read the source's cursor after each chunk (for --resume)
   * @throws SourceException as the source's {@link ScanSource#forEach} does
   */
  void run(ScanSource source, boolean trackCursor, Sink sink) {
    BlockingQueue<Pending> queue = new ArrayBlockingQueue<>(queueCapacity);
    Semaphore budget = new Semaphore(PERMITS);
    Feeder feeder = new Feeder(source, trackCursor, queue, budget);
    Thread thread = new Thread(feeder, "scan-source");
    thread.setDaemon(true);
    thread.start();
    boolean finished = false;
    try {
      while (true) {
        Pending p = take(queue);
        if (p == END) {
          break;
        }
        Done d = result(p.done());
        sink.accept(d.results(), d.lines(), d.linesLength(), p.cursor());
        budget.release(p.permits());
        if (d.lines() != null && d.lines().length <= MAX_LINE_BYTES_HINT) {
          freeLineBuffers.offer(d.lines()); // the sink is done with it; dropped when enough are kept
        }
      }
      finished = true;
    } finally {
      if (!finished) {
        feeder.stopped = true;
        thread.interrupt();
        while (take(queue) != END) {
          budget.release(PERMITS); // whatever it waits for; the feeder gives up at the next entry
        }
      }
      join(thread);
    }
    if (feeder.failure instanceof RuntimeException e) {
      throw e;
    }
    if (feeder.failure instanceof Error e) {
      throw e;
    }
  }

  private static Pending take(BlockingQueue<Pending> queue) {
    boolean interrupted = false;
    try {
      while (true) {
        try {
          return queue.take();
        } catch (InterruptedException e) {
          interrupted = true;
        }
      }
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private static void join(Thread thread) {
    boolean interrupted = false;
    while (thread.isAlive()) {
      try {
        thread.join();
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  private static Done result(Future<Done> f) {
    boolean interrupted = false;
    try {
      while (true) {
        try {
          return f.get();
        } catch (InterruptedException e) {
          interrupted = true;
        } catch (ExecutionException e) {
          if (e.getCause() instanceof RuntimeException r) {
            throw r;
          }
          if (e.getCause() instanceof Error r) {
            throw r;
          }
          throw new IllegalStateException(e.getCause());
        }
      }
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private Done classify(List<RawEntry> entries) {
    List<EntryClassifier.Result> results = new ArrayList<>(entries.size());
    // a buffer the output is done with, else one sized by the last chunk's lines (with room to spare): most
    // chunks' lines neither grow nor get copied
    ScanLine.Bytes out = null;
    if (lines) {
      byte[] free = freeLineBuffers.poll();
      out = free != null ? new ScanLine.Bytes(free) : new ScanLine.Bytes(lineBytesHint);
    }
    PickleViewWriter view = views.get();
    for (int i = 0, n = entries.size(); i < n; i++) {
      RawEntry e = entries.get(i);
      EntryClassifier.Result r = classifier.classify(e, view, lines);
      if (out != null) {
        ScanLine.write(out, r, e.key());
      }
      byte[] value = r.value();
      results.add(value == null || value.length <= KEPT_VALUE_BYTES ? r : r.withoutValue());
    }
    if (out == null) {
      return new Done(results, null, 0);
    }
    lineBytesHint = Math.min(MAX_LINE_BYTES_HINT, out.len + (out.len >> 3));
    return new Done(results, out.buf, out.len);
  }

  /**
   * A result's value (its JSON view, which its line holds too) up to this long stays with the result the output
   * holds until its chunk is written, rather than a copy of the result being made without it: {@link #CHUNK} keys
   * of at most 4 KiB a chunk. Longer values are dropped.
   */
  static final int KEPT_VALUE_BYTES = 4096;

  /** Each classify thread's own view writer (reusable). */
  private final ThreadLocal<PickleViewWriter> views = ThreadLocal.withInitial(PickleViewWriter::new);
  /**
   * Line buffers the output wrote out, for the next chunks (at most as many as chunks can be on their way; one
   * over {@link #MAX_LINE_BYTES_HINT} is dropped rather than kept).
   */
  private final BlockingQueue<byte[]> freeLineBuffers;

  /** The most a chunk's line buffer starts with, whatever the last chunk's lines took. */
  private static final int MAX_LINE_BYTES_HINT = 1 << 20;
  /** What the last chunk's lines took and some: the next chunk's buffer to begin with (racy: only a hint). */
  private int lineBytesHint = 8192;

  @Override
  public void close() {
    workers.shutdownNow();
  }

  /** Reads the source on its own thread and hands chunks of entries to the workers, in order, to the queue. */
  private final class Feeder implements Runnable {
    private final ScanSource source;
    private final boolean trackCursor;
    private final BlockingQueue<Pending> queue;
    private final Semaphore budget;
    private List<RawEntry> chunk = new ArrayList<>(CHUNK);
    private int permits;
    /** The source's cursor after the last entry added to {@link #chunk}. */
    private String cursor;
    volatile boolean stopped;
    Throwable failure;

    Feeder(ScanSource source, boolean trackCursor, BlockingQueue<Pending> queue, Semaphore budget) {
      this.source = source;
      this.trackCursor = trackCursor;
      this.queue = queue;
      this.budget = budget;
    }

    @Override
    public void run() {
      try {
        source.forEach(this::accept);
      } catch (Throwable t) {
        failure = t;
      }
      try {
        if (!stopped) {
          submit(); // what was delivered before the end (or the failure) is handed on too
        }
      } catch (Throwable t) {
        if (failure == null) {
          failure = t;
        }
      }
      put(END);
    }

    /**
     * Called by the source, never concurrently: the source serializes its deliveries under its own lock, which
     * orders one call's writes before the next call (a cluster's nodes deliver from several threads), and
     * {@link #run} calls {@link #submit} only after {@code forEach} returned. So no lock of its own (two atomic
     * operations per key less).
     */
    private boolean accept(RawEntry e) {
      if (stopped) {
        return false;
      }
      int bytes = e.value() == null ? 0 : e.value().length;
      int need = Math.min(PERMITS, 1 + (bytes >>> PERMIT_SHIFT));
      if (!budget.tryAcquire(need)) {
        submit();
        try {
          budget.acquire(need);
        } catch (InterruptedException ex) {
          Thread.currentThread().interrupt();
          throw new SourceException("interrupted", -1, "scan of " + source.describe() + " interrupted after "
              + source.count() + " keys", ex);
        }
      }
      permits += need;
      chunk.add(e);
      if (trackCursor) {
        cursor = source.cursor(); // the source counts e as delivered already
      }
      if (chunk.size() >= CHUNK) {
        submit();
      }
      return !stopped;
    }

    private void submit() {
      if (chunk.isEmpty()) {
        return;
      }
      List<RawEntry> entries = chunk;
      chunk = new ArrayList<>(CHUNK);
      Future<Done> f = workers.submit(() -> classify(entries));
      put(new Pending(f, cursor, permits));
      permits = 0;
    }

    private void put(Pending p) {
      boolean interrupted = false;
      try {
        while (true) {
          try {
            queue.put(p);
            return;
          } catch (InterruptedException e) {
            interrupted = true;
            if (stopped && p != END) {
              return; // the output gave up: nobody takes it
            }
          }
        }
      } finally {
        if (interrupted) {
          Thread.currentThread().interrupt();
        }
      }
    }
  }
}
