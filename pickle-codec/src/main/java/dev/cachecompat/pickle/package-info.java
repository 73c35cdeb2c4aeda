/**
 * Python pickles, read and written as CPython 2.7 and 3.x mean them. Start with
 * {@link dev.cachecompat.pickle.PickleInspector} (is this blob safe, which protocol, who can load it), then
 * {@link dev.cachecompat.pickle.PickleDecoder} (Java values from inspected input only) and
 * {@link dev.cachecompat.pickle.PickleEncoder} (pickles a chosen Python version loads).
 */
package dev.cachecompat.pickle;
