package dev.cachecompat.testing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cachecompat.core.PythonVersion;
import dev.cachecompat.core.Verdict;
import dev.cachecompat.json.CanonicalJson;
import dev.cachecompat.json.JsonCanonicalException;
import dev.cachecompat.pickle.PickleDecoder;
import dev.cachecompat.pickle.PickleEncoder;
import dev.cachecompat.pickle.PickleException;
import dev.cachecompat.pickle.PickleReport;
import dev.cachecompat.testsupport.PythonInterpreter;
import dev.cachecompat.testsupport.Pythons;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Differential properties against real CPython 2.7 and 3.6-3.13, each kept running as a worker process for the
 * whole class: the encoder's pickles load in every Python and equal the value built from independent Python
 * source; CPython's own pickles of that value, at every protocol it writes, decode in Java to the value; the
 * decoder never accepts a mutant CPython refuses; canonical JSON equals {@code json.dumps(sort_keys=True)}.
 */
class CPythonPropertiesIT {
  private static final List<String> VERSIONS =
      List.of("2.7", "3.6", "3.7", "3.8", "3.9", "3.10", "3.11", "3.12", "3.13");
  private static final PickleDecoder DECODER = PickleDecoder.defaults();
  private static List<PythonWorker> workers;
  private static PythonWorker newest;
  private static final AtomicInteger CASES = new AtomicInteger();

  @BeforeContainer
  static void startWorkers() {
    workers = new ArrayList<>();
    for (String v : VERSIONS) {
      PythonInterpreter python = Pythons.require(v);
      workers.add(PythonWorker.start(python));
    }
    newest = workers.get(workers.size() - 1);
  }

  @AfterContainer
  static void stopWorkers() {
    if (workers != null) {
      workers.forEach(PythonWorker::close);
    }
    System.out.println("CPythonPropertiesIT: " + CASES.get() + " CPython round trips");
  }

  @Provide
  Arbitrary<Object> values() {
    return net.jqwik.api.Arbitraries.frequencyOf(
        net.jqwik.api.Tuple.of(4, PythonValues.values()), net.jqwik.api.Tuple.of(1, PythonValues.withSharedReferences()));
  }

  @Property(tries = 300)
  void encoderOutputLoadsInEveryCPythonAndCPythonsPicklesDecodeBack(@ForAll("values") Object v) {
    for (PythonWorker w : workers) {
      // Alternate: every protocol the interpreter loads, and forReaders(its version), whose inspector verdict
      // must not ask for a newer Python.
      int n = CASES.get();
      PythonVersion version = PythonVersion.parse(w.interpreter().majorMinor());
      PickleEncoder encoder = n % 3 == 0 ? PickleEncoder.forReaders(version)
          : PickleEncoder.protocol(Math.floorMod(n, w.highestProtocol() + 1));
      int protocol = encoder.protocol();
      byte[] pickle = encoder.encode(v);
      PythonVersion needs = DECODER.inspector().inspect(pickle).minPython();
      assertTrue(needs.compareTo(version) <= 0, () -> encoder + " wrote a pickle needing " + needs + " for " + version);
      String source = PythonSource.render(v, w.isPython2());
      PythonWorker.Reply reply = w.call('C', pickle, source.getBytes(StandardCharsets.US_ASCII));
      CASES.incrementAndGet();
      assertTrue(reply.ok(), () -> w.interpreter() + " protocol " + protocol + ": " + reply.text() + "\nsource:\n"
          + source + "pickle " + Hex.of(pickle));
      List<byte[]> theirs = PythonWorker.pickles(reply.payload());
      for (int p = 0; p < theirs.size(); p++) {
        byte[] cpython = theirs.get(p);
        Object decoded = DECODER.decode(cpython);
        int at = p;
        assertTrue(PythonValues.equivalent(v, decoded), () -> w.interpreter() + "'s protocol " + at + " pickle of "
            + PythonValues.describe(v) + " decoded as " + PythonValues.describe(decoded) + ": " + Hex.of(cpython));
      }
    }
  }

  @Provide
  Arbitrary<byte[]> mutants() {
    return Pickles.mutants(Pickles.anyProtocol(PythonValues.values()));
  }

  @Property(tries = 1000)
  void decoderNeverAcceptsAMutantCPythonRefuses(@ForAll("mutants") byte[] mutant) {
    Object decoded;
    try {
      decoded = DECODER.decode(mutant);
    } catch (PickleException e) {
      return;
    }
    PickleReport report = DECODER.inspector().inspect(mutant);
    assertTrue(report.verdict() == Verdict.VALID, report::toString);
    Statistics.collect("decoded by Java");
    // Every CPython from the inspector's minimum version on must load what the decoder accepted.
    for (PythonWorker w : workers) {
      if (PythonVersion.parse(w.interpreter().majorMinor()).compareTo(report.minPython()) < 0) {
        continue;
      }
      PythonWorker.Reply reply = w.call('M', mutant);
      CASES.incrementAndGet();
      assertTrue(reply.ok(), () -> "Java decoded " + PythonValues.describe(decoded) + " (inspector: min Python "
          + report.minPython() + ") but CPython " + w.interpreter().version() + " refuses: " + reply.text() + "\n"
          + Hex.of(mutant));
    }
  }

  @Provide
  Arbitrary<String> jsonDocuments() {
    return JsonDocuments.pythonDocuments();
  }

  @Property(tries = 300)
  void canonicalJsonEqualsPythonJsonDumpsSortKeys(@ForAll("jsonDocuments") String doc) {
    byte[] utf8 = doc.getBytes(StandardCharsets.UTF_8);
    byte[] ours = CanonicalJson.python().canonicalize(utf8);
    for (PythonWorker w : List.of(workers.get(0), workers.get(1), newest)) {
      PythonWorker.Reply reply = w.call('J', utf8);
      CASES.incrementAndGet();
      assertTrue(reply.ok(), () -> w.interpreter() + " refused " + doc + ": " + reply.text());
      assertArrayEquals(reply.payload(), ours, () -> w.interpreter() + " on " + doc + "\n python: " + reply.text()
          + "\n java:   " + new String(ours, StandardCharsets.UTF_8));
    }
  }

  @Property(tries = 300)
  void compactRawUtf8EqualsPythonWithEnsureAsciiOff(@ForAll("jsonDocuments") String doc) {
    byte[] utf8 = doc.getBytes(StandardCharsets.UTF_8);
    CanonicalJson raw = CanonicalJson.python().toBuilder().compact(true).ensureAscii(false).build();
    for (PythonWorker w : List.of(workers.get(1), newest)) {
      PythonWorker.Reply reply = w.call('K', utf8);
      CASES.incrementAndGet();
      byte[] ours;
      try {
        ours = raw.canonicalize(utf8);
      } catch (JsonCanonicalException e) {
        // Python's str holds a lone surrogate, which UTF-8 cannot: both sides must refuse.
        assertTrue(!reply.ok() && reply.text().startsWith("UnicodeEncodeError"),
            () -> "Java refused " + doc + " (" + e.getMessage() + ") but " + w.interpreter() + " said " + reply.text());
        continue;
      }
      assertTrue(reply.ok(), () -> w.interpreter() + " refused " + doc + ": " + reply.text());
      assertArrayEquals(reply.payload(), ours, () -> w.interpreter() + " on " + doc + "\n python: " + reply.text()
          + "\n java:   " + new String(ours, StandardCharsets.UTF_8));
    }
  }
}
