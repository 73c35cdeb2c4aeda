package dev.cachecompat.namespace;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cachecompat.core.Limits;
import dev.cachecompat.core.PythonVersion;
import dev.cachecompat.pickle.PickleDecoder;
import dev.cachecompat.pickle.PickleEncoder;
import dev.cachecompat.pickle.PickleException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The byte[] hot path against the general pickle-codec encoder (pinned to CPython's output by its golden
 * vectors) and decoder: the same pickles written, the same values read, and every payload it does not cover
 * left to the decoder.
 */
class BytesPickleTest {
  static final List<PythonVersion> READERS = List.of(PythonVersion.PY2_7, PythonVersion.PY3_0,
      new PythonVersion(3, 3), PythonVersion.PY3_4, new PythonVersion(3, 7), PythonVersion.PY3_8);
  static final PickleDecoder DECODER = PickleDecoder.defaults();

  static List<Integer> sizes() {
    List<Integer> s = new ArrayList<>();
    for (int n = 0; n <= 600; n++) {
      s.add(n);
    }
    s.addAll(List.of(1_000, 4_096, 65_535 / 2, BytesPickle.MAX_BYTES - 1, BytesPickle.MAX_BYTES));
    return s;
  }

  static byte[] data(int n, long seed) {
    byte[] b = new byte[n];
    new Random(seed).nextBytes(b);
    return b;
  }

  /** The full path's answer: the bytes, or null when the decoder or the readers refuse the payload. */
  static byte[] fullDecode(byte[] payload, PythonVersion readers) {
    try {
      PickleDecoder.Decoded d = DECODER.decodeDetailed(payload);
      if (!readers.atLeast(d.report().minPython()) || !(d.value() instanceof byte[])) {
        return null;
      }
      return (byte[]) d.value();
    } catch (PickleException e) {
      return null;
    }
  }

  @Test
  void writesExactlyWhatTheEncoderWritesForEveryProtocolFromThree() {
    int checked = 0;
    for (PythonVersion readers : READERS) {
      int protocol = readers.highestPickleProtocol();
      PickleEncoder encoder = PickleEncoder.forReaders(readers);
      for (int n : sizes()) {
        byte[] data = data(n, n);
        byte[] fast = BytesPickle.encode(data, protocol, Limits.defaults());
        if (protocol < 3) {
          assertNull(fast, "protocol " + protocol + " pickles bytes through _codecs.encode: not covered");
          continue;
        }
        assertArrayEquals(encoder.encode(data), fast, "protocol " + protocol + ", " + n + " bytes");
        checked++;
      }
    }
    assertEquals(5 * sizes().size(), checked);
    assertNull(BytesPickle.encode(new byte[BytesPickle.MAX_BYTES + 1], 5, Limits.defaults()));
  }

  @Test
  void readsBackWhatItWritesWhenTheReadersLoadTheProtocol() {
    for (PythonVersion writer : READERS.subList(1, READERS.size())) {
      for (int n : sizes()) {
        byte[] data = data(n, 31L * n);
        byte[] pickle = BytesPickle.encode(data, writer.highestPickleProtocol(), Limits.defaults());
        for (PythonVersion readers : READERS) {
          byte[] fast = BytesPickle.decode(pickle, readers, Limits.defaults());
          byte[] full = fullDecode(pickle, readers);
          int protocol = writer.highestPickleProtocol();
          PythonVersion needs = PythonVersion.oldestLoadingProtocol(protocol);
          if (readers.atLeast(needs)) {
            assertArrayEquals(data, fast, writer + " pickle of " + n + " bytes read by " + readers);
            assertArrayEquals(data, full);
          } else {
            assertNull(fast, "left to the full path, which names the reader problem");
            assertNull(full);
          }
        }
      }
    }
  }

  @Test
  void everyMutationIsEitherReadAsTheDecoderReadsItOrLeftToIt() {
    Random random = new Random(7);
    int accepted = 0;
    int declined = 0;
    for (int protocol = 3; protocol <= 5; protocol++) {
      for (int n : List.of(0, 1, 3, 255, 256, 300)) {
        byte[] pickle = BytesPickle.encode(data(n, n), protocol, Limits.defaults());
        List<byte[]> variants = new ArrayList<>();
        for (int i = 0; i < pickle.length; i++) {
          variants.add(Arrays.copyOf(pickle, i)); // truncated
          for (int v : new int[] {0, 1, 0x7f, 0x80, 0xff, random.nextInt(256)}) {
            if (i < 16 || i >= pickle.length - 4) { // header and tail: where the shape is decided
              byte[] m = pickle.clone();
              m[i] = (byte) (m[i] + v);
              variants.add(m);
            }
          }
        }
        byte[] longer = Arrays.copyOf(pickle, pickle.length + 1);
        longer[pickle.length] = '.';
        variants.add(longer);
        for (byte[] m : variants) {
          byte[] fast = BytesPickle.decode(m, PythonVersion.PY3_8, Limits.defaults());
          if (fast != null) {
            byte[] full = fullDecode(m, PythonVersion.PY3_8);
            assertNotNull(full, "hot path accepted what the decoder refuses: " + Arrays.toString(m));
            assertArrayEquals(full, fast);
            accepted++;
          } else {
            declined++;
          }
        }
      }
    }
    assertTrue(accepted > 0 && declined > 1_000, accepted + " accepted, " + declined + " declined");
  }

  @Test
  void leavesPayloadsNearALimitToTheFullPath() {
    byte[] pickle = BytesPickle.encode(data(300, 1), 5, Limits.defaults());
    assertNotNull(BytesPickle.decode(pickle, PythonVersion.PY3_8, Limits.defaults()));
    assertNull(BytesPickle.decode(pickle, PythonVersion.PY3_8,
        Limits.builder().maxStringBytes(299).build()));
    assertNull(BytesPickle.decode(pickle, PythonVersion.PY3_8,
        Limits.builder().maxPayloadBytes(pickle.length - 1).build()));
    assertNull(BytesPickle.encode(data(300, 1), 5, Limits.builder().maxPayloadBytes(pickle.length - 1).build()));
    assertNull(BytesPickle.encode(data(300, 1), 5, Limits.builder().maxStringBytes(299).build()));
  }
}
