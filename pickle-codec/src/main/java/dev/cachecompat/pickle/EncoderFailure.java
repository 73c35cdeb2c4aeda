package dev.cachecompat.pickle;

import dev.cachecompat.core.Finding;
import dev.cachecompat.core.Verdict;
import java.util.ArrayList;
import java.util.List;

/**
 * Internal signal of an encoding failure on its way up from the failing value; each container it passes adds its
 * path segment, so the happy path pays nothing for paths. Turned into a {@link PickleException} at the top.
 */
final class EncoderFailure extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private static final int MAX_PATH_CHARS = 160;

  private final Verdict verdict;
  private final String code;
  private final String problem;
  private final transient List<String> reversedPath = new ArrayList<>();

  EncoderFailure(Verdict verdict, String code, String problem) {
    super(problem, null, false, false);
    this.verdict = verdict;
    this.code = code;
    this.problem = problem;
  }

  /** Adds the segment of the container the failure passes through (innermost first). */
  EncoderFailure at(String segment) {
    reversedPath.add(segment);
    return this;
  }

  PickleException toException() {
    StringBuilder path = new StringBuilder("value");
    for (int i = reversedPath.size() - 1; i >= 0; i--) {
      path.append(reversedPath.get(i));
      if (path.length() > MAX_PATH_CHARS) {
        path.append("... (").append(reversedPath.size()).append(" levels)");
        break;
      }
    }
    return new PickleException(verdict, code, Finding.NO_OFFSET, problem + " at " + path);
  }
}
