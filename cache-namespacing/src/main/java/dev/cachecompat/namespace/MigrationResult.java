package dev.cachecompat.namespace;

import dev.cachecompat.core.Checks;
import java.util.List;

/**
 * What one {@link NamespaceMigrator} run did, and where to resume.
 *
 * <p>Immutable and thread-safe.
 *
 * @param scanned entries of the source namespace seen
 * @param copied entries written to the target namespace
 * @param alreadyPresent entries the target already held (never overwritten: its writers are newer)
 * @param expired entries that expired or vanished before they could be copied
 * @param rejected source payloads that failed validation (reported to the listener too)
 * @param unencodable values the target's format cannot carry
 * @param skippedHashed memcached keys written under {@link MemcachedKeyPolicy#HASH}, which cannot be mapped back
 *     to a logical key
 * @param resumeToken where the next run continues, or null when the namespace was covered to the end
 * @param problems the first few problems, as messages
 */
public record MigrationResult(long scanned, long copied, long alreadyPresent, long expired, long rejected,
    long unencodable, long skippedHashed, String resumeToken, List<String> problems) {
  /**
   * Checks and copies the fields.
   *
   * @throws NullPointerException if problems is null
   */
  public MigrationResult {
    problems = List.copyOf(Checks.requireNonNull(problems, "problems"));
  }

  /**
   * Whether the run reached the end of the source namespace.
   *
   * @return true when there is no resume token
   */
  public boolean isComplete() {
    return resumeToken == null;
  }
}
