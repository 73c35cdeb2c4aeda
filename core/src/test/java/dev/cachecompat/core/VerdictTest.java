package dev.cachecompat.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class VerdictTest {
  @Test
  void labelsRoundTrip() {
    for (Verdict v : Verdict.values()) {
      assertEquals(v, Verdict.fromLabel(v.label()));
    }
    assertEquals("over-limit", Verdict.OVER_LIMIT.label());
    assertThrows(IllegalArgumentException.class, () -> Verdict.fromLabel("fine"));
  }

  @Test
  void findingRefusesOffsetsBelowNone() {
    assertThrows(IllegalArgumentException.class, () -> new Finding("x", Severity.ERROR, -2, "m"));
    assertEquals(false, new Finding("x", Severity.INFO, Finding.NO_OFFSET, "m").hasOffset());
  }
}
