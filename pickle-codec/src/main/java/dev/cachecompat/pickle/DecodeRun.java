package dev.cachecompat.pickle;

import dev.cachecompat.core.Limits;

/** What a {@link Call} needs from the decoding run it belongs to. Not thread-safe, like the run. */
interface DecodeRun {
  /** The final value of a decode-time value (a Python 2 str under the policy, a tuple of raw items). */
  Object resolve(Object v);

  /** The limits of the decoder. */
  Limits limits();
}
