package dev.cachecompat.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cachecompat.pickle.PickleDecoder;
import dev.cachecompat.json.CanonicalJson;
import org.junit.jupiter.api.Test;
import org.openjdk.jmh.infra.Blackhole;

/** Runs each benchmark body once (not JMH) to prove the benchmark code and corpus work; no timing. */
class BenchSmokeTest {
  private static Blackhole blackhole() {
    return new Blackhole("Today's password is swordfish. I understand instantiating Blackholes directly is dangerous.");
  }

  @Test
  void everyPickleSetHasTwelveEntriesThatDecodeAndReencodeToTheSameValue() {
    for (String set : Corpus.PICKLE_SETS) {
      PickleBench b = new PickleBench();
      b.set = set;
      b.setUp();
      assertEquals(12, b.entries.length, set);
      Blackhole bh = blackhole();
      b.inspect(bh);
      b.decode(bh);
      b.pyroliteBare(bh);
      b.encode(bh);
      for (int i = 0; i < b.entries.length; i++) {
        assertTrue(b.inspector.inspect(b.entries[i]).isValid(), set + " entry " + i);
        Object again = PickleDecoder.defaults().decode(b.encoder.encode(b.values[i]));
        assertEquals(b.values[i], again, set + " entry " + i + " round trip");
      }
    }
  }

  @Test
  void everyJsonSetCanonicalizesAndJacksonAgreesOnAsciiProfiles() {
    for (String set : Corpus.JSON_SETS) {
      JsonBench b = new JsonBench();
      b.set = set;
      b.setUp();
      assertEquals(12, b.entries.length, set);
      Blackhole bh = blackhole();
      b.canonicalize(bh);
      b.jacksonSorted(bh);
      for (byte[] e : b.entries) {
        byte[] once = CanonicalJson.python().canonicalize(e);
        assertArrayEquals(once, CanonicalJson.python().canonicalize(once), set + ": canonical is a fixed point");
      }
    }
  }

  @Test
  void stacklessWalkTakesEveryFeedPageAndRefusesBrokenOnes() {
    StacklessWalk walk = new StacklessWalk();
    for (String set : new String[] {"feed-p2", "feed-p4", "feed-p5"}) {
      StacklessBench b = new StacklessBench();
      b.set = set;
      b.setUp(); // throws if the walk refuses an entry
      b.walk(blackhole());
      for (byte[] e : b.entries) {
        long whole = walk.walk(e);
        assertTrue(whole > 400, set + ": a page counts its objects and memo writes, got " + whole);
        assertEquals(whole, walk.walk(e), set + ": a second walk of the same page (its memo was reset)");
        byte[] cut = java.util.Arrays.copyOf(e, e.length - 1);
        assertEquals(-1, walk.walk(cut), set + ": a page without its STOP");
        byte[] key = e.clone();
        int at = markThenMemoRead(key); // the second item's first key: MARK, BINGET
        key[at + 1] = (byte) 0xF0; // a memo index no PUT wrote
        assertEquals(-1, walk.walk(key), set + ": a read of an unset memo index at " + at);
      }
    }
  }

  private static int markThenMemoRead(byte[] b) {
    for (int i = 1; i < b.length; i++) {
      if (b[i - 1] == '(' && b[i] == 'h') {
        return i;
      }
    }
    throw new AssertionError("no MARK followed by BINGET");
  }

  @Test
  void profileSetsCarryDatetimesInHalfTheEntries() {
    PickleBench b = new PickleBench();
    b.set = "profile-p4";
    b.setUp();
    int withDatetime = 0;
    for (Object v : b.values) {
      if (((java.util.Map<?, ?>) v).get("created_at") instanceof java.time.LocalDateTime) {
        withDatetime++;
      }
    }
    assertEquals(6, withDatetime);
  }

  @Test
  void graphSizeIsPositiveAndSmallerThanThePickleTimesTen() {
    long size = GraphSize.measure("profile-p4", 200);
    long pickled = Corpus.bytes(Corpus.load("profile-p4"));
    assertTrue(size > 0 && size < 10 * pickled, "graph " + size + " bytes for " + pickled + " pickled");
  }
}
