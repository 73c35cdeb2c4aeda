package dev.cachecompat.pickle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cachecompat.core.Verdict;
import dev.cachecompat.testsupport.PythonInterpreter;
import dev.cachecompat.testsupport.Pythons;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/**
 * Issue #8: the benign pickles every pyenv interpreter writes ({@link InspectorBenignIT#GENERATOR}: every value
 * kind caches hold, every protocol, C and Python picklers) decode to the same values with {@link DecoderPass}
 * as with the Pyrolite-based oracle, under every str policy.
 */
class DecoderDifferentialIT {
  @Test
  void benignPicklesOfEveryInterpreterDecodeAsTheOracleDecodesThem() {
    int decoded = 0;
    for (PythonInterpreter py : Pythons.all()) {
      String out = new String(py.runChecked(InspectorBenignIT.GENERATOR, new byte[0]), StandardCharsets.US_ASCII);
      for (String line : out.split("\n")) {
        if (line.isEmpty()) {
          continue;
        }
        String[] f = line.split("\t", -1);
        byte[] pickle = HexFormat.of().parseHex(f[6]);
        for (Py2Str policy : Py2Str.values()) {
          PickleDecoder decoder = PickleDecoder.builder().py2Str(policy).build();
          assertEquals(Verdict.VALID, decoder.inspector().inspect(pickle).verdict());
          String what = "Python " + py.version() + " " + f[1] + " protocol " + f[2] + " " + f[0] + " under " + policy;
          decoded += DecoderDifferentialTest.assertSameOutcome(decoder, pickle, what) ? 1 : 0;
        }
      }
    }
    assertTrue(decoded > 4000, "only " + decoded + " decodes compared");
  }
}
