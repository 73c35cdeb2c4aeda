package dev.cachecompat.pickle;

import dev.cachecompat.core.Checks;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * An instance of an allowed class that has no Java counterpart of its own: the class's qualified name, the
 * arguments it was constructed with, and the state set on it (BUILD), as the pickle gave them.
 *
 * @param qualifiedName {@code module.name}, with Python 2 names mapped to Python 3 ones
 * @param args the constructor arguments (an unmodifiable list that may contain nulls)
 * @param state the state set by BUILD, or null
 */
public record PyObject(String qualifiedName, List<Object> args, Object state) {
  /**
   * Checks and copies the fields.
   *
   * @throws NullPointerException if qualifiedName or args is null
   */
  public PyObject {
    Checks.requireNonNull(qualifiedName, "qualifiedName");
    args = Collections.unmodifiableList(new ArrayList<Object>(Checks.requireNonNull(args, "args")));
  }
}
