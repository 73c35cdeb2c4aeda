package dev.cachecompat.pickle;

/** How the decoder calls one allowed global (REDUCE, NEWOBJ, OBJ, INST) and sets state on its result (BUILD). */
interface Callee {
  /** The value for a call; raw arguments are available through {@code call}. */
  Object call(Call call);

  /** The value replacing {@code instance} after BUILD with {@code state} (already resolved). */
  default Object build(Object instance, Object state, Call call) {
    throw call.fail(call.name() + " takes no state (BUILD)");
  }

  /** A user-registered constructor: decoded arguments in, the user's values out. */
  static Callee of(PickleConstructor constructor) {
    return new Callee() {
      @Override
      public Object call(Call call) {
        return constructor.construct(java.util.Collections.unmodifiableList(call.values()));
      }

      @Override
      public Object build(Object instance, Object state, Call call) {
        return constructor.setState(instance, state);
      }
    };
  }

  /** An allowed global without a Java constructor: a {@link PyObject}. */
  static Callee pyObject(String qualifiedName) {
    return new Callee() {
      @Override
      public Object call(Call call) {
        return new PyObject(qualifiedName, call.values(), null);
      }

      @Override
      public Object build(Object instance, Object state, Call call) {
        PyObject o = (PyObject) instance;
        return new PyObject(o.qualifiedName(), o.args(), state);
      }
    };
  }
}
