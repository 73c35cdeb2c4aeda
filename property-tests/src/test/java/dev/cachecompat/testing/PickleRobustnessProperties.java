package dev.cachecompat.testing;

import static org.junit.jupiter.api.Assertions.fail;

import dev.cachecompat.core.Verdict;
import dev.cachecompat.pickle.PickleDecoder;
import dev.cachecompat.pickle.PickleException;
import dev.cachecompat.pickle.PickleInspector;
import dev.cachecompat.pickle.PickleReport;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * On arbitrary bytes and on mutants of valid pickles the inspector and the decoder throw nothing but
 * {@link PickleException}, and they agree: the decoder decodes exactly what the inspector calls valid.
 */
class PickleRobustnessProperties {
  private static final PickleDecoder DECODER = PickleDecoder.defaults();
  private static final PickleInspector INSPECTOR = DECODER.inspector();

  @Provide
  Arbitrary<byte[]> arbitraryBytes() {
    Arbitrary<Byte> biased = Arbitraries.frequencyOf(
        net.jqwik.api.Tuple.of(3, Arbitraries.bytes()),
        net.jqwik.api.Tuple.of(2, Arbitraries.of((byte) 0x80, (byte) 0x95, (byte) 0x94, (byte) '(', (byte) '.',
            (byte) ']', (byte) '}', (byte) 'q', (byte) 'h', (byte) 'X', (byte) 'B', (byte) 'J', (byte) 0x8a,
            (byte) 0x8b, (byte) 'c', (byte) 'R', (byte) 0xff, (byte) 0)));
    return biased.list().ofMaxSize(64).map(l -> {
      byte[] b = new byte[l.size()];
      for (int i = 0; i < b.length; i++) {
        b[i] = l.get(i);
      }
      return b;
    });
  }

  @Provide
  Arbitrary<byte[]> mutants() {
    return Pickles.mutants(Pickles.anyProtocol(PythonValues.values()));
  }

  @Property(tries = 1000)
  void arbitraryBytesThrowOnlyPickleException(@ForAll("arbitraryBytes") byte[] input) {
    checkOnlyOwnExceptions(input);
  }

  @Property(tries = 1000)
  void mutantsThrowOnlyPickleException(@ForAll("mutants") byte[] input) {
    checkOnlyOwnExceptions(input);
  }

  static void checkOnlyOwnExceptions(byte[] input) {
    PickleReport report;
    try {
      report = INSPECTOR.inspect(input);
    } catch (PickleException e) {
      report = null;
    } catch (RuntimeException | StackOverflowError | OutOfMemoryError e) {
      throw new AssertionError("inspect threw " + e + " on " + Hex.of(input), e);
    }
    Object decoded;
    try {
      decoded = DECODER.decode(input);
    } catch (PickleException e) {
      // Refusing more than the inspector (a class's bad arguments, say) is allowed; accepting more is not.
      return;
    } catch (RuntimeException | StackOverflowError | OutOfMemoryError e) {
      throw new AssertionError("decode threw " + e + " on " + Hex.of(input), e);
    }
    if (report == null || report.verdict() != Verdict.VALID) {
      fail("decoder returned " + PythonValues.describe(decoded) + " for a pickle the inspector calls "
          + (report == null ? "an exception" : report.verdict() + " " + report.firstError()) + ": " + Hex.of(input));
    }
  }
}
