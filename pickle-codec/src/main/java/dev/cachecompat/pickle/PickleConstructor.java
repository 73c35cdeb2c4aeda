package dev.cachecompat.pickle;

import dev.cachecompat.core.Checks;
import java.util.List;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * Builds the Java value for instances of one allowed Python class, registered per decoder with
 * {@link PickleDecoder.Builder#allowGlobal(String, PickleConstructor)} (never globally).
 *
 * <p>{@link #construct} receives the arguments of REDUCE, NEWOBJ, NEWOBJ_EX, OBJ or INST (an empty list for
 * {@code copyreg._reconstructor(cls, object, None)}), already decoded, Python 2 str under the decoder's policy.
 * When the pickle then sets state (BUILD), {@link #setState} receives the constructed instance and the decoded
 * state (usually the instance's {@code __dict__} as a Map) and returns the value that replaces the instance,
 * which may be the same (mutated) object or a new one.
 *
 * <p>Implementations must be thread-safe when the decoder is shared. Any exception they throw is reported as a
 * {@link PickleException} with code {@code decode-failed} and the offset of the opcode.
 */
@FunctionalInterface
public interface PickleConstructor {
  /**
   * Constructs an instance.
   *
   * @param args the decoded arguments, an unmodifiable list that may contain nulls
   * @return the Java value, may be null
   */
  Object construct(List<Object> args);

  /**
   * Sets the state of an instance this constructor made. The default refuses: the class takes no state.
   *
   * @param instance what {@link #construct} returned (or an earlier setState)
   * @param state the decoded state, may be null
   * @return the value that replaces the instance
   * @throws UnsupportedOperationException by default
   */
  default Object setState(Object instance, Object state) {
    throw new UnsupportedOperationException("the constructor takes no state (BUILD)");
  }

  /**
   * A constructor with a state setter.
   *
   * @param construct makes the instance from the arguments
   * @param setState returns the value for (instance, state)
   * @return the constructor
   * @throws NullPointerException if either function is null
   */
  static PickleConstructor withState(
      Function<List<Object>, Object> construct, BiFunction<Object, Object, Object> setState) {
    Checks.requireNonNull(construct, "construct");
    Checks.requireNonNull(setState, "setState");
    return new PickleConstructor() {
      @Override
      public Object construct(List<Object> args) {
        return construct.apply(args);
      }

      @Override
      public Object setState(Object instance, Object state) {
        return setState.apply(instance, state);
      }
    };
  }
}
