package dev.cachecompat.pickle;

import dev.cachecompat.core.CacheCompatException;
import dev.cachecompat.core.Checks;
import dev.cachecompat.core.Finding;
import dev.cachecompat.core.Verdict;

/**
 * The one exception type that leaves a pickle-codec public method for bad input: a pickle that is malformed,
 * unsafe or over a limit, or a Java value the encoder cannot write.
 *
 * <p>Carries the {@link #verdict()} of the inspection, a machine-readable {@link #code()} (the code of the first
 * error finding, e.g. {@code truncated}, {@code dangerous-global}), and the byte {@link #offset()} of the problem.
 */
public final class PickleException extends CacheCompatException {
  private static final long serialVersionUID = 1L;

  private final Verdict verdict;

  /**
   * Creates an exception.
   *
   * @param verdict what the inspection concluded; {@link Verdict#VALID} only for encoder errors
   * @param code the machine-readable code
   * @param offset the byte offset, or {@link Finding#NO_OFFSET}
   * @param message what was wrong and where
   */
  public PickleException(Verdict verdict, String code, long offset, String message) {
    this(verdict, code, offset, message, null);
  }

  /**
   * Creates an exception with a cause.
   *
   * @param verdict what the inspection concluded
   * @param code the machine-readable code
   * @param offset the byte offset, or {@link Finding#NO_OFFSET}
   * @param message what was wrong and where
   * @param cause the underlying failure, or null
   */
  public PickleException(Verdict verdict, String code, long offset, String message, Throwable cause) {
    super(code, offset, message, cause);
    this.verdict = Checks.requireNonNull(verdict, "verdict");
  }

  /**
   * Creates the exception for a finding.
   *
   * @param verdict the inspection's verdict
   * @param finding the finding that decided it
   * @return the exception
   */
  public static PickleException of(Verdict verdict, Finding finding) {
    return new PickleException(verdict, finding.code(), finding.offset(), finding.message());
  }

  /**
   * What the inspection concluded about the input.
   *
   * @return the verdict, never null
   */
  public Verdict verdict() {
    return verdict;
  }
}
