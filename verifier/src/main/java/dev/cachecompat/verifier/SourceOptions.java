package dev.cachecompat.verifier;

import dev.cachecompat.core.Checks;
import java.time.Duration;

/**
 * How a {@link ScanSource} scans.
 *
 * @param sample stop after this many entries; 0 means all
 * @param resumeCursor where to start, as a previous scan's {@link ScanSource#cursor()} returned it; null to
 *     start from the beginning (only live Redis sources resume)
 * @param batchSize keys asked for per round trip (Redis {@code SCAN COUNT}, memcached {@code mg} pipeline)
 * @param maxValueBytes values longer than this are not read: the entry has a null value and its length
 * @param timeout how long one server round trip may take
 */
record SourceOptions(long sample, String resumeCursor, int batchSize, long maxValueBytes, Duration timeout) {
  /** Bytes of values fetched in one pipeline at most, so a batch of large values stays within a small heap. */
  static final long BATCH_VALUE_BUDGET = 16L << 20;

  SourceOptions {
    Checks.requireArgument(sample >= 0, "sample must be 0 (all) or positive: %s", sample);
    Checks.requireArgument(batchSize > 0 && batchSize <= 100_000, "batch size must be 1 to 100000: %s", batchSize);
    Checks.requireArgument(maxValueBytes >= 0 && maxValueBytes < Integer.MAX_VALUE - 8,
        "maximum value bytes must be 0 to 2^31-9: %s", maxValueBytes);
    Checks.requireNonNull(timeout, "timeout");
  }

  /** Everything, from the start, batches of 1000, values up to 64 MiB, 60 s per round trip. */
  static SourceOptions defaults() {
    return new SourceOptions(0, null, 1000, 64L << 20, Duration.ofSeconds(60));
  }

  SourceOptions withSample(long n) {
    return new SourceOptions(n, resumeCursor, batchSize, maxValueBytes, timeout);
  }

  SourceOptions withResumeCursor(String cursor) {
    return new SourceOptions(sample, cursor, batchSize, maxValueBytes, timeout);
  }

  SourceOptions withBatchSize(int n) {
    return new SourceOptions(sample, resumeCursor, n, maxValueBytes, timeout);
  }

  SourceOptions withMaxValueBytes(long n) {
    return new SourceOptions(sample, resumeCursor, batchSize, n, timeout);
  }

  SourceOptions withTimeout(Duration t) {
    return new SourceOptions(sample, resumeCursor, batchSize, maxValueBytes, t);
  }
}
