package dev.cachecompat.pickle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cachecompat.core.Verdict;
import dev.cachecompat.testsupport.PythonInterpreter;
import dev.cachecompat.testsupport.Pythons;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Differential check against the real C unpickler of CPython 3.13: 20,000 random mutations (bit flips, byte changes,
 * truncations, insertions, deletions) of valid globals-free pickles of every protocol are fed to the inspector
 * and, all in one Python process, to the C unpickler's {@code pickle.loads}. The inspector must never call VALID what
 * CPython refuses to load. CPython runs with an audit hook that refuses every global outside the allowlist (so a
 * mutation that conjures a global counts as "refused global", not as malformed) and with encoding='latin1' so
 * that loading Python 2 str data does not depend on the reader's text encoding.
 */
class InspectorDifferentialIT {
  private static final int MUTATIONS = 20000;

  static final String BASES = """
      import pickle, binascii
      shared = [1, 'two', b'3']
      values = [0, -1, 2**31, 2**100, -2**2000, 1.5, float('inf'), 'caf\\xe9 \\U0001F600 \\ud800', b'\\x00\\xff',
                [], (), {}, [1, [2, [3, [4]]]], (1,), (1, 2), (1, 2, 3), (1, 2, 3, 4),
                {'a': shared, 'b': shared, 'c': (shared, shared)}, list(range(300)),
                dict((str(i), i) for i in range(50)), 'x' * 300, True, False, None,
                [(), ((),), {'k': ()}, [[], {}]], {(1, 2): 'tuple key', 'e': ''}]
      for v in values:
          for proto in range(6):
              print(binascii.hexlify(pickle.dumps(v, proto)).decode('ascii'))
      for v in [set([1, 2, 'a']), frozenset([(1, 2), 'b']), {'s': set(), 'f': frozenset()}]:
          for proto in (4, 5):
              print(binascii.hexlify(pickle.dumps(v, proto)).decode('ascii'))
      print(binascii.hexlify(pickle.dumps(bytearray(b'abc'), 5)).decode('ascii'))
      """;

  /**
   * Length-prefixed blobs on stdin; one byte per blob out: V loaded, G refused global, M anything else. An audit
   * hook on pickle.find_class refuses every global but {@code _codecs.encode}, which is replaced by a stub class
   * that takes any arguments and state, so that what the real function would make of mutated arguments (an
   * unknown codec name, say) does not count: only the data can be malformed.
   */
  static final String LOADER = """
      import sys, pickle, struct, resource, _codecs
      resource.setrlimit(resource.RLIMIT_AS, (2 << 30, 2 << 30))
      class Refused(Exception):
          pass
      def hook(event, args):
          if event == 'pickle.find_class' and args[0] + '.' + args[1] != '_codecs.encode':
              raise Refused(args[0] + '.' + args[1])
      class Stub(object):
          def __new__(cls, *args, **kwargs):
              return object.__new__(cls)
          def __init__(self, *args, **kwargs):
              pass
          def __setstate__(self, state):
              pass
          def append(self, item):
              pass
          def add(self, item):
              pass
          def __setitem__(self, key, value):
              pass
          def __hash__(self):
              return 1
      data = sys.stdin.buffer.read()
      _codecs.encode = Stub
      sys.addaudithook(hook)
      out = bytearray()
      i = 0
      while i < len(data):
          n = struct.unpack('>I', data[i:i + 4])[0]
          blob = data[i + 4:i + 4 + n]
          i += 4 + n
          try:
              pickle.loads(blob, encoding='latin1')
              out += b'V'
          except Refused:
              out += b'G'
          except BaseException:
              out += b'M'
      sys.stdout.buffer.write(bytes(out))
      """;

  @Test
  void inspectorNeverCallsValidWhatCpythonRejects() {
    PythonInterpreter py = Pythons.require("3.13");
    List<byte[]> bases = new ArrayList<>();
    for (String line : new String(py.runChecked(BASES, new byte[0]), StandardCharsets.US_ASCII).split("\n")) {
      if (!line.isBlank()) {
        bases.add(HexFormat.of().parseHex(line.trim()));
      }
    }
    for (byte[] b : bases) {
      assertEquals(Verdict.VALID, PickleInspector.defaults().inspect(b).verdict(), HexFormat.of().formatHex(b));
    }
    Random random = new Random(Long.getLong("seed", 20261122L));
    List<byte[]> cases = new ArrayList<>();
    for (int i = 0; i < MUTATIONS; i++) {
      cases.add(mutate(bases.get(random.nextInt(bases.size())), random));
    }
    ByteArrayOutputStream in = new ByteArrayOutputStream();
    for (byte[] c : cases) {
      in.writeBytes(ByteBuffer.allocate(4).putInt(c.length).array());
      in.writeBytes(c);
    }
    byte[] cpython = py.runChecked(LOADER, in.toByteArray());
    assertEquals(cases.size(), cpython.length);

    List<String> validButRejected = new ArrayList<>();
    int[] counts = new int[4];
    java.util.Map<String, Integer> stricter = new java.util.TreeMap<>();
    for (int i = 0; i < cases.size(); i++) {
      PickleReport r = PickleInspector.defaults().inspect(cases.get(i));
      boolean inspectorValid = r.verdict() == Verdict.VALID;
      boolean cpythonLoads = cpython[i] == 'V';
      counts[(inspectorValid ? 2 : 0) + (cpythonLoads ? 1 : 0)]++;
      if (!inspectorValid && cpythonLoads) {
        stricter.merge(r.firstError().code(), 1, Integer::sum);
      }
      if (inspectorValid && !cpythonLoads) {
        validButRejected.add(HexFormat.of().formatHex(cases.get(i)) + " (CPython: " + (char) cpython[i] + ")");
      }
    }
    System.out.printf("differential: both refuse %d, only inspector refuses %d, both accept %d, "
        + "only CPython refuses %d; inspector stricter by %s%n", counts[0], counts[1], counts[3], counts[2], stricter);
    assertEquals(List.of(), validButRejected);
    assertTrue(counts[0] > MUTATIONS / 4, "mutations must break pickles often: " + Arrays.toString(counts));
    assertTrue(counts[3] > 0, "some mutations stay loadable: " + Arrays.toString(counts));
  }

  private static byte[] mutate(byte[] base, Random random) {
    byte[] b = base.clone();
    switch (random.nextInt(6)) {
      case 0: // flip one to three bits
        for (int k = random.nextInt(3) + 1; k > 0; k--) {
          int at = random.nextInt(b.length);
          b[at] ^= (byte) (1 << random.nextInt(8));
        }
        return b;
      case 1: // overwrite a byte with an opcode-ish byte
        b[random.nextInt(b.length)] = (byte) ("()]}.0123abcdeghijlopqrstuNIJKLMFGSTUVXBCa\u0085\u0086\u0087\u0088"
            + "\u008a\u008b\u008c\u008d\u008e\u008f\u0090\u0091\u0093\u0094\u0095\u0096").charAt(random.nextInt(56));
        return b;
      case 2: // truncate
        return Arrays.copyOf(b, random.nextInt(b.length));
      case 3: { // insert a random byte
        int at = random.nextInt(b.length + 1);
        byte[] c = new byte[b.length + 1];
        System.arraycopy(b, 0, c, 0, at);
        c[at] = (byte) random.nextInt(256);
        System.arraycopy(b, at, c, at + 1, b.length - at);
        return c;
      }
      case 4: { // delete a byte
        int at = random.nextInt(b.length);
        byte[] c = new byte[b.length - 1];
        System.arraycopy(b, 0, c, 0, at);
        System.arraycopy(b, at + 1, c, at, b.length - at - 1);
        return c;
      }
      default: // random byte anywhere
        b[random.nextInt(b.length)] = (byte) random.nextInt(256);
        return b;
    }
  }
}
