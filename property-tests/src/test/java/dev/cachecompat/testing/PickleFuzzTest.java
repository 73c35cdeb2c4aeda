package dev.cachecompat.testing;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Jazzer target for the pickle inspector and decoder: on any bytes they throw nothing but PickleException, and the
 * decoder decodes only what the inspector calls valid. CI replays the committed inputs under
 * {@code src/test/resources/dev/cachecompat/testing/PickleFuzzTestInputs/inspectorAndDecoder/} (seeded from the
 * golden vectors); {@code scripts/fuzz} fuzzes with JAZZER_FUZZ=1.
 */
class PickleFuzzTest {
  @FuzzTest(maxDuration = "60s")
  void inspectorAndDecoder(byte[] data) {
    PickleRobustnessProperties.checkOnlyOwnExceptions(data);
  }
}
