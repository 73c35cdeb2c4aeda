package dev.cachecompat.core;

import java.util.Locale;

/** How much a {@link Finding} matters. */
public enum Severity {
  /** Worth knowing; the payload is fine. */
  INFO,
  /** Loads, but something is off (for example bytes after STOP, or an unknown global). */
  WARNING,
  /** The payload must not be loaded, or cannot be. */
  ERROR;

  /**
   * The lower-case name used in JSON output.
   *
   * @return {@code "info"}, {@code "warning"} or {@code "error"}
   */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
