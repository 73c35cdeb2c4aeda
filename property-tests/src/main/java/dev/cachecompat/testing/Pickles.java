package dev.cachecompat.testing;

import dev.cachecompat.core.Checks;
import dev.cachecompat.core.PythonVersion;
import dev.cachecompat.pickle.PickleEncoder;
import java.util.Arrays;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;

/**
 * jqwik arbitraries for pickles of generated values, written by {@link PickleEncoder} (byte for byte what
 * CPython 3.13's {@code pickle.dumps} writes for the same value), each paired with its value so a test can
 * check what a reader makes of it.
 *
 * <p>All methods are static and thread-safe; each returns a new arbitrary.
 */
public final class Pickles {
  private Pickles() {}

  /**
   * A value and its pickle.
   *
   * @param value the value as {@link PythonValues} generates it; may be null
   * @param protocol the pickle protocol written
   * @param pickle the pickle bytes (the array is the caller's to keep)
   */
  public record Pickled(Object value, int protocol, byte[] pickle) {
    /**
     * Checks the arguments.
     *
     * @throws NullPointerException if pickle is null
     * @throws IllegalArgumentException if the protocol is outside 0-5
     */
    public Pickled {
      Checks.requireNonNull(pickle, "pickle");
      Checks.requireArgument(protocol >= 0 && protocol <= PickleEncoder.HIGHEST_PROTOCOL,
          "protocol must be 0-%s: %s", PickleEncoder.HIGHEST_PROTOCOL, protocol);
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Pickled && ((Pickled) o).protocol == protocol
          && Arrays.equals(((Pickled) o).pickle, pickle) && PythonValues.equivalent(((Pickled) o).value, value);
    }

    @Override
    public int hashCode() {
      return 31 * protocol + Arrays.hashCode(pickle);
    }

    @Override
    public String toString() {
      return "Pickled[protocol=" + protocol + ", value=" + PythonValues.describe(value) + ", pickle="
          + Arrays.toString(pickle) + "]";
    }
  }

  /**
   * Pickles of {@code values} at {@code protocol}.
   *
   * @param values the values to pickle, e.g. {@link PythonValues#values()}
   * @param protocol 0 to 5
   * @return value and pickle pairs
   * @throws IllegalArgumentException if the protocol is outside 0-5
   */
  public static Arbitrary<Pickled> atProtocol(Arbitrary<Object> values, int protocol) {
    return with(values, PickleEncoder.protocol(protocol));
  }

  /**
   * Pickles of {@code values} that every Python from {@code oldest} on loads
   * ({@link PickleEncoder#forReaders(PythonVersion)}).
   *
   * @param values the values to pickle
   * @param oldest the oldest reader, e.g. {@link PythonVersion#PY2_7}
   * @return value and pickle pairs
   */
  public static Arbitrary<Pickled> forReaders(Arbitrary<Object> values, PythonVersion oldest) {
    return with(values, PickleEncoder.forReaders(oldest));
  }

  /**
   * Pickles of {@code values} at any protocol from 0 to 5.
   *
   * @param values the values to pickle
   * @return value and pickle pairs
   */
  public static Arbitrary<Pickled> anyProtocol(Arbitrary<Object> values) {
    Checks.requireNonNull(values, "values");
    return net.jqwik.api.Combinators.combine(values, Arbitraries.integers().between(0, PickleEncoder.HIGHEST_PROTOCOL))
        .as((v, p) -> new Pickled(v, p, PickleEncoder.protocol(p).encode(v)));
  }

  /**
   * Pickles of {@code values} written by {@code encoder}.
   *
   * @param values the values to pickle
   * @param encoder the encoder
   * @return value and pickle pairs
   * @throws NullPointerException if an argument is null
   */
  public static Arbitrary<Pickled> with(Arbitrary<Object> values, PickleEncoder encoder) {
    Checks.requireNonNull(values, "values");
    Checks.requireNonNull(encoder, "encoder");
    return values.map(v -> new Pickled(v, encoder.protocol(), encoder.encode(v)));
  }

  /**
   * Mutants of pickles: one to three bit flips, truncations, byte overwrites (with the interesting values 0x00,
   * 0x7F, 0x80, 0xFF and pickle opcodes), deletions, duplications and splices of a slice of another pickle, as
   * a fuzzer makes them. Most mutants are malformed; some stay valid.
   *
   * @param pickles the pickles to mutate, e.g. {@code anyProtocol(PythonValues.values())}
   * @return mutated pickle bytes
   */
  public static Arbitrary<byte[]> mutants(Arbitrary<Pickled> pickles) {
    Checks.requireNonNull(pickles, "pickles");
    Arbitrary<int[]> op = Arbitraries.integers().between(0, Integer.MAX_VALUE).array(int[].class).ofSize(4)
        .map(r -> new int[] {r[0] % 6, r[1], r[2], r[3]});
    return net.jqwik.api.Combinators.combine(pickles, pickles, op.list().ofMinSize(1).ofMaxSize(3))
        .as((a, b, ops) -> {
          byte[] cur = a.pickle();
          for (int[] o : ops) {
            cur = mutate(cur, b.pickle(), o);
          }
          return cur;
        });
  }

  private static final byte[] INTERESTING = {0x00, 0x7f, (byte) 0x80, (byte) 0xff, '(', '.', 'q', 'h', 'X', 'J',
      (byte) 0x8a, (byte) 0x95, 'N', ')', 't', 'R', 'b', 'c', 'u', 'e', (byte) 0x94, '0'};

  private static byte[] mutate(byte[] in, byte[] donor, int[] o) {
    int n = in.length;
    if (n == 0) {
      return donor.clone();
    }
    int i = o[1] % n;
    switch (o[0]) {
      case 0: { // bit flip
        byte[] out = in.clone();
        out[i] ^= (byte) (1 << (o[2] % 8));
        return out;
      }
      case 1: // truncate
        return Arrays.copyOf(in, i);
      case 2: { // overwrite with an interesting byte
        byte[] out = in.clone();
        out[i] = INTERESTING[o[2] % INTERESTING.length];
        return out;
      }
      case 3: { // delete a short range
        int len = Math.min(1 + o[2] % 8, n - i);
        byte[] out = new byte[n - len];
        System.arraycopy(in, 0, out, 0, i);
        System.arraycopy(in, i + len, out, i, n - i - len);
        return out;
      }
      case 4: { // duplicate a short range
        int len = Math.min(1 + o[2] % 8, n - i);
        byte[] out = new byte[n + len];
        System.arraycopy(in, 0, out, 0, i + len);
        System.arraycopy(in, i, out, i + len, n - i);
        return out;
      }
      default: { // splice: our prefix, then a slice of the donor from some offset
        int from = donor.length == 0 ? 0 : o[2] % donor.length;
        int len = donor.length - from;
        byte[] out = new byte[i + len];
        System.arraycopy(in, 0, out, 0, i);
        System.arraycopy(donor, from, out, i, len);
        return out;
      }
    }
  }
}
