package dev.cachecompat.json;

import dev.cachecompat.core.Checks;
import dev.cachecompat.core.Finding;
import java.util.List;

/**
 * What {@link CanonicalJson#check(byte[])} found: whether the input already is canonical, and where it is not.
 *
 * <p>Immutable and thread-safe.
 *
 * @param canonical true if canonicalizing the input gives the same bytes back
 * @param findings where the input differs from its canonical form (empty if canonical), in input order
 */
public record CheckResult(boolean canonical, List<Finding> findings) {
  /**
   * Checks and copies the findings.
   *
   * @throws NullPointerException if findings is null
   */
  public CheckResult {
    findings = List.copyOf(Checks.requireNonNull(findings, "findings"));
  }
}
