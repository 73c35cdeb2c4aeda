package dev.cachecompat.core;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A CPython language version, {@code major.minor}, as a reader or writer of cached payloads.
 *
 * <p>The four constants are the versions at which pickle loading changed: 2.7 loads protocols 0–2, 3.0 adds
 * protocol 3 (bytes), 3.4 adds protocol 4 (framing, short bytes, STACK_GLOBAL, MEMOIZE), 3.8 adds protocol 5
 * (out-of-band buffers, BYTEARRAY8). Any other version, such as 3.11, is a valid reader too.
 *
 * <p>Immutable and thread-safe. Ordered by version.
 *
 * @param major the major version, 2 or 3
 * @param minor the minor version
 */
public record PythonVersion(int major, int minor) implements Comparable<PythonVersion> {
  /** Python 2.7: loads pickle protocols 0–2. */
  public static final PythonVersion PY2_7 = new PythonVersion(2, 7);
  /** Python 3.0: adds pickle protocol 3. */
  public static final PythonVersion PY3_0 = new PythonVersion(3, 0);
  /** Python 3.4: adds pickle protocol 4. */
  public static final PythonVersion PY3_4 = new PythonVersion(3, 4);
  /** Python 3.8: adds pickle protocol 5. */
  public static final PythonVersion PY3_8 = new PythonVersion(3, 8);

  private static final Pattern FORM = Pattern.compile("(\\d{1,3})\\.(\\d{1,3})(?:\\.\\d{1,4})?");

  /**
   * Checks the version.
   *
   * @throws IllegalArgumentException unless major is 2 with minor 7, or major is 3 with minor 0 or more
   */
  public PythonVersion {
    Checks.requireArgument(
        (major == 2 && minor == 7) || (major == 3 && minor >= 0),
        "Python version must be 2.7 or 3.x: %s.%s", major, minor);
  }

  /**
   * Parses {@code "2.7"}, {@code "3.8"} or {@code "3.11.7"} (the micro version is ignored).
   *
   * @param text the version text
   * @return the version
   * @throws IllegalArgumentException if the text is not a supported version
   */
  public static PythonVersion parse(String text) {
    Checks.requireNonNull(text, "text");
    Matcher m = FORM.matcher(text.trim());
    Checks.requireArgument(m.matches(), "not a Python version (want e.g. 2.7 or 3.8): '%s'", text);
    return new PythonVersion(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)));
  }

  /**
   * The oldest of the four loading milestones that loads pickles of {@code protocol}.
   *
   * @param protocol a pickle protocol, 0 to 5
   * @return 2.7 for 0–2, 3.0 for 3, 3.4 for 4, 3.8 for 5
   * @throws IllegalArgumentException if the protocol is outside 0–5
   */
  public static PythonVersion oldestLoadingProtocol(int protocol) {
    Checks.requireArgument(protocol >= 0 && protocol <= 5, "pickle protocol must be 0 to 5: %s", protocol);
    switch (protocol) {
      case 3:
        return PY3_0;
      case 4:
        return PY3_4;
      case 5:
        return PY3_8;
      default:
        return PY2_7;
    }
  }

  /**
   * The highest pickle protocol this version loads.
   *
   * @return 2 for Python 2.7, 3 for 3.0–3.3, 4 for 3.4–3.7, 5 for 3.8 and later
   */
  public int highestPickleProtocol() {
    if (major == 2) {
      return 2;
    }
    if (minor < 4) {
      return 3;
    }
    return minor < 8 ? 4 : 5;
  }

  /**
   * Whether this is Python 2.
   *
   * @return true for 2.7
   */
  public boolean isPython2() {
    return major == 2;
  }

  /**
   * Whether this version is at least {@code other}.
   *
   * @param other the version to compare with
   * @return true if this version is the same as or newer than {@code other}
   */
  public boolean atLeast(PythonVersion other) {
    return compareTo(other) >= 0;
  }

  @Override
  public int compareTo(PythonVersion other) {
    int c = Integer.compare(major, other.major);
    return c != 0 ? c : Integer.compare(minor, other.minor);
  }

  /** Returns {@code "major.minor"}, e.g. {@code "2.7"}. */
  @Override
  public String toString() {
    return major + "." + minor;
  }
}
