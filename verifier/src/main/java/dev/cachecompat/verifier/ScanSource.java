package dev.cachecompat.verifier;

/**
 * Where {@code cachecompat scan} reads entries from: a live Redis, Redis Cluster or memcached, an RDB file, a
 * memcached-tool dump, or plain files. Open one with {@link SourceUri#open(SourceOptions)}.
 *
 * <p>Sources stream: they hold one batch of entries at a time (see {@link SourceOptions#batchSize()} and
 * {@link SourceOptions#BATCH_VALUE_BUDGET}), so a multi-GB dump or a server with millions of keys scans in a
 * small heap. A source is used once, from one thread; {@link #count()} and {@link #cursor()} may be read from
 * any thread (for progress reports) while {@link #forEach} runs.
 */
interface ScanSource extends AutoCloseable {
  /**
   * Delivers the entries to {@code consumer}, one at a time and never concurrently, until the source is
   * exhausted, {@link SourceOptions#sample()} entries were delivered, or the consumer returns false.
   *
   * <p>An exception the consumer throws stops the scan and propagates unchanged; {@link #cursor()} then counts
   * the entry it was given as delivered.
   *
   * @param consumer receives the entries
   * @throws IllegalStateException when called a second time
   * @throws SourceException when the source cannot be read to the end; entries before the failure were
   *     delivered, and the message says how far the scan got
   */
  void forEach(EntryConsumer consumer);

  /** Entries delivered so far. */
  long count();

  /**
   * Where a later scan can resume so that, together with this one, it delivers every entry once: pass it to
   * {@link SourceOptions#withResumeCursor(String)}. {@code done} once the scan finished. Null for sources that
   * cannot resume (memcached has no cursor; files and dumps are read from the start again).
   */
  String cursor();

  /** What is scanned, for people, without secrets: {@code redis://127.0.0.1:6379/0}, {@code dump.rdb}. */
  String describe();

  /** Releases connections and files; idempotent. */
  @Override
  void close();
}
