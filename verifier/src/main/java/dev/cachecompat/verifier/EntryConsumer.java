package dev.cachecompat.verifier;

/** Receives the entries of a {@link ScanSource}, one at a time, never concurrently. */
@FunctionalInterface
interface EntryConsumer {
  /**
   * Takes one entry.
   *
   * @param entry the entry, never null
   * @return true to go on, false to stop the scan (the source's {@link ScanSource#cursor()} then resumes after
   *     this entry)
   */
  boolean accept(RawEntry entry);
}
