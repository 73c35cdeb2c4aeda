package dev.cachecompat.pickle;

import dev.cachecompat.core.Checks;
import dev.cachecompat.core.Finding;
import dev.cachecompat.core.PythonVersion;
import dev.cachecompat.core.Severity;
import dev.cachecompat.core.Verdict;
import java.util.List;

/**
 * What {@link PickleInspector#inspect} learned about one payload, without building any object.
 *
 * <p>Immutable and thread-safe.
 *
 * @param verdict valid, malformed, unsafe or over-limit
 * @param declaredProtocol the protocol of the first PROTO opcode, or null when there is none
 * @param maxOpcodeProtocol the highest protocol among the opcodes used (0 when none was read)
 * @param minPython the oldest Python that can load the payload (2.7, 3.0, 3.4 or 3.8), judged from the opcodes,
 *     every PROTO's protocol (CPython checks each one) and the globals; meaningful for valid payloads
 * @param globals every global referenced, as {@code module.name}, in order of first reference, without repeats
 * @param findings everything noticed, in order of offset
 */
public record PickleReport(
    Verdict verdict,
    Integer declaredProtocol,
    int maxOpcodeProtocol,
    PythonVersion minPython,
    List<String> globals,
    List<Finding> findings) {

  /**
   * Checks and copies the fields.
   *
   * @throws NullPointerException if verdict, minPython, globals or findings is null
   */
  public PickleReport {
    Checks.requireNonNull(verdict, "verdict");
    Checks.requireNonNull(minPython, "minPython");
    globals = List.copyOf(globals);
    findings = List.copyOf(findings);
  }

  /**
   * Whether the verdict is {@link Verdict#VALID}.
   *
   * @return true if the payload may be decoded
   */
  public boolean isValid() {
    return verdict == Verdict.VALID;
  }

  /**
   * The protocol a reader sees: the declared one, or for pickles without PROTO the highest among their opcodes.
   *
   * @return the protocol, 0 to 5
   */
  public int protocol() {
    return declaredProtocol != null ? declaredProtocol : maxOpcodeProtocol;
  }

  /**
   * The finding that decided a verdict other than valid: the first of severity error.
   *
   * @return the first error finding, or null when there is none
   */
  public Finding firstError() {
    for (Finding f : findings) {
      if (f.severity() == Severity.ERROR) {
        return f;
      }
    }
    return null;
  }

  /**
   * Throws unless the payload is valid.
   *
   * @return this report
   * @throws PickleException carrying the verdict and the first error finding
   */
  public PickleReport requireValid() {
    if (verdict != Verdict.VALID) {
      Finding f = firstError();
      if (f == null) {
        throw new PickleException(verdict, verdict.label(), Finding.NO_OFFSET, "pickle is " + verdict.label());
      }
      throw PickleException.of(verdict, f);
    }
    return this;
  }
}
