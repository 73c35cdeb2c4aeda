package dev.cachecompat.core;

/** What an inspection concludes about one payload. Ordered from best to worst. */
public enum Verdict {
  /** Well formed, within limits, references nothing dangerous. */
  VALID("valid"),
  /** Not well formed: CPython would refuse to load it. */
  MALFORMED("malformed"),
  /** References something that can execute code or do I/O when loaded. */
  UNSAFE("unsafe"),
  /** Exceeds a configured {@link Limits limit}; refused before anything was allocated for it. */
  OVER_LIMIT("over-limit");

  private final String label;

  Verdict(String label) {
    this.label = label;
  }

  /**
   * The name used in JSON output and on the command line.
   *
   * @return {@code "valid"}, {@code "malformed"}, {@code "unsafe"} or {@code "over-limit"}
   */
  public String label() {
    return label;
  }

  /**
   * The verdict with the given label.
   *
   * @param label one of {@code valid}, {@code malformed}, {@code unsafe}, {@code over-limit}
   * @return the verdict
   * @throws IllegalArgumentException for any other text
   */
  public static Verdict fromLabel(String label) {
    for (Verdict v : values()) {
      if (v.label.equals(label)) {
        return v;
      }
    }
    throw new IllegalArgumentException("unknown verdict: '" + label + "'");
  }
}
