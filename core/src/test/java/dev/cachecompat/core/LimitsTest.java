package dev.cachecompat.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class LimitsTest {
  @Test
  void defaultsMatchCpythonsIntegerDigitLimit() {
    assertEquals(4300, Limits.defaults().maxIntDigits());
  }

  @Test
  void toBuilderChangesOnlyWhatIsSet() {
    Limits l = Limits.defaults().toBuilder().maxDepth(10).build();
    assertEquals(10, l.maxDepth());
    assertEquals(Limits.defaults().maxPayloadBytes(), l.maxPayloadBytes());
    assertNotEquals(Limits.defaults(), l);
    assertEquals(l, l.toBuilder().build());
  }

  @Test
  void refusesNonPositiveLimitsNamingTheValue() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Limits.builder().maxDepth(0));
    assertEquals("maximum depth must be positive: 0", e.getMessage());
  }
}
