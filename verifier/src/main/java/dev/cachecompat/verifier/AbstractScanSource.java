package dev.cachecompat.verifier;

import java.util.concurrent.atomic.AtomicLong;

/** Counting and sampling shared by every source. */
abstract class AbstractScanSource implements ScanSource {
  final SourceOptions options;
  final AtomicLong count = new AtomicLong();
  private boolean used;

  AbstractScanSource(SourceOptions options) {
    this.options = options;
  }

  @Override
  public final void forEach(EntryConsumer consumer) {
    if (used) {
      throw new IllegalStateException(describe() + " was already scanned; open the source again");
    }
    used = true;
    scan(consumer);
  }

  /** Delivers every entry through {@link #deliver}, stopping as soon as it returns false. */
  abstract void scan(EntryConsumer consumer);

  /** Whether the sample limit was already reached before anything more is fetched. */
  final boolean sampleReached() {
    return options.sample() > 0 && count.get() >= options.sample();
  }

  /**
   * Counts and hands on one entry; false when the scan must stop (consumer said so, or the sample is full).
   * Deliveries from several threads are serialized on this source.
   */
  final boolean deliver(EntryConsumer consumer, RawEntry entry) {
    return deliver(consumer, entry, NO_POSITION, 0);
  }

  /** A position in a source that moves as its entries are delivered: its cursor's state. */
  interface Position {
    /** Called under the source's delivery lock as the entry before {@code next} is delivered. */
    void delivered(int next);
  }

  /** The position of a source that keeps none (one shared object, none made per entry). */
  private static final Position NO_POSITION = next -> { };

  /**
   * Like {@link #deliver(EntryConsumer, RawEntry)}, calling {@code position.delivered(next)} (which advances the
   * source's cursor) under the same lock just before the consumer sees the entry, so {@link #cursor()} never names
   * a position that was not delivered. No object per entry for it: under C1 each capturing lambda made is a call
   * into the VM ({@code Unsafe_AllocateInstance}).
   */
  final synchronized boolean deliver(EntryConsumer consumer, RawEntry entry, Position position, int next) {
    if (sampleReached()) {
      return false;
    }
    position.delivered(next);
    count.incrementAndGet();
    boolean more = consumer.accept(entry);
    return more && !sampleReached();
  }

  @Override
  public long count() {
    return count.get();
  }

  @Override
  public String cursor() {
    return null;
  }

  @Override
  public void close() {}

  /** Seconds left from milliseconds left, rounded up; null for "never" (negative). */
  static Long ttlFromMillis(long millisLeft) {
    if (millisLeft < 0) {
      return null;
    }
    return (millisLeft + 999) / 1000;
  }
}
