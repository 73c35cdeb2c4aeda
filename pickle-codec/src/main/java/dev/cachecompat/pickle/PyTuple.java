package dev.cachecompat.pickle;

import dev.cachecompat.core.Checks;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * A Python {@code tuple}: an immutable sequence, distinct from a {@code list} (which decodes to
 * {@link java.util.ArrayList}). Elements may be null (Python {@code None}).
 *
 * <p>Immutable when its elements are; equal to another tuple with equal elements, never to a List.
 */
public final class PyTuple {
  private static final PyTuple EMPTY = new PyTuple(List.of());

  private final List<Object> items;

  private PyTuple(List<Object> items) {
    this.items = items;
  }

  /**
   * A tuple of the given elements.
   *
   * @param items the elements, any of which may be null
   * @return the tuple
   */
  public static PyTuple of(Object... items) {
    Checks.requireNonNull(items, "items");
    return items.length == 0 ? EMPTY : new PyTuple(Collections.unmodifiableList(new ArrayList<>(Arrays.asList(items))));
  }

  /**
   * A tuple of the list's elements, copied.
   *
   * @param items the elements, any of which may be null
   * @return the tuple
   */
  public static PyTuple copyOf(List<?> items) {
    Checks.requireNonNull(items, "items");
    return items.isEmpty() ? EMPTY : new PyTuple(Collections.unmodifiableList(new ArrayList<Object>(items)));
  }

  /** A tuple over the array itself, which the caller hands over and never touches again. */
  static PyTuple wrap(Object[] items) {
    return items.length == 0 ? EMPTY : new PyTuple(Collections.unmodifiableList(Arrays.asList(items)));
  }

  /**
   * The elements.
   *
   * @return an unmodifiable list that may contain nulls
   */
  public List<Object> items() {
    return items;
  }

  /**
   * The number of elements.
   *
   * @return the size
   */
  public int size() {
    return items.size();
  }

  /**
   * One element.
   *
   * @param index from 0
   * @return the element, possibly null
   * @throws IndexOutOfBoundsException if the index is out of range
   */
  public Object get(int index) {
    return items.get(index);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof PyTuple && items.equals(((PyTuple) o).items);
  }

  @Override
  public int hashCode() {
    return items.hashCode();
  }

  @Override
  public String toString() {
    StringBuilder b = new StringBuilder("(");
    for (int i = 0; i < items.size(); i++) {
      b.append(i == 0 ? "" : ", ").append(items.get(i));
    }
    return b.append(items.size() == 1 ? ",)" : ")").toString();
  }
}
