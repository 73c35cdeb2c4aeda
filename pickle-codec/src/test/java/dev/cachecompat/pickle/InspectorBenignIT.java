package dev.cachecompat.pickle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cachecompat.core.PythonVersion;
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
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Benign pickles written by every pyenv interpreter (2.7 and 3.6-3.13), of the values caches hold, at every
 * protocol each supports: the inspector says VALID, reports the declared and opcode protocols and globals that
 * pickletools.genops and the interpreter's own unpickler (find_class) report, and the oldest Python that the
 * real interpreters confirm: for protocol 0-2 pickles written by Python 3, whether Python 2.7 really loads them.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class InspectorBenignIT {
  /** Pickles a broad set of values and prints one tab-separated line per pickle. Runs on Python 2.7 and 3.x. */
  static final String GENERATOR = """
      from __future__ import print_function
      import sys, io, pickle, pickletools, binascii, datetime, decimal, uuid, collections, fractions
      PY2 = sys.version_info[0] == 2
      values = []
      def add(name, value):
          values.append((name, value))
      add('ints', [0, 1, -1, 255, 256, 65535, 65536, 2**31 - 1, -2**31, 2**31, 2**63, -2**64, 10**100,
                   2**10000, True, False, None])
      add('floats', [0.0, -1.5, 1e300, 1e-300, float('inf'), float('-inf'), float('nan')])
      if PY2:
          add('py2-str', ['', 'abc', 'a\\x00\\xff\\n\\\\\\'"'])
          add('unicode', [u'', u'caf\\xe9', u'\\U0001F600', u'\\ud800', u'a\\\\u1234\\n'])
      else:
          add('bytes', [b'', b'abc', bytes(bytearray(range(256)))])
          add('str', ['', u'caf\\xe9', u'\\U0001F600', u'\\ud800', u'a\\\\u1234\\n', u'\\udfff x'])
      shared = [1, 2, 3]
      add('shared-refs', {'a': shared, 'b': shared, 't': (shared, shared), 'n': [[shared]]})
      add('list2000', list(range(2000)))
      add('dict2000', dict((i, str(i)) for i in range(2000)))
      add('tuples', [(), (1,), (1, 2), (1, 2, 3), (1, 2, 3, 4)])
      add('nested', [[[[[[]]]]], {'x': {'y': {'z': ()}}}])
      add('set', set([1, 2, 3]))
      add('frozenset', frozenset([u'a', 1]))
      add('bytearray', bytearray(b'\\x00\\xffabc'))
      add('complex', complex(1, -2.5))
      add('decimal', decimal.Decimal('3.14159265358979323846'))
      add('datetimes', [datetime.datetime(2024, 2, 29, 12, 30, 45, 123456), datetime.date(1999, 12, 31),
                        datetime.time(23, 59, 59, 999999), datetime.timedelta(days=-1, seconds=5)])
      add('ordereddict', collections.OrderedDict([('b', 1), ('a', 2)]))
      add('uuid', uuid.UUID('12345678-1234-5678-1234-567812345678'))
      add('counter', collections.Counter('hello'))
      add('deque', collections.deque([1, 2, 3], maxlen=5))
      add('defaultdict', collections.defaultdict(list, {'k': [1]}))
      add('fraction', fractions.Fraction(22, 7))
      if not PY2:
          add('timezone', datetime.datetime(2024, 1, 1, tzinfo=datetime.timezone.utc))
      add('everything', [v for _, v in values])
      add('big-str', u'x' * 70000)
      add('big-bytes', (b'y' if not PY2 else 'y') * 70000)

      class Recorder(pickle.Unpickler):
          def find_class(self, module, name):
              if module + '.' + name not in self.seen:
                  self.seen.append(module + '.' + name)
              return pickle.Unpickler.find_class(self, module, name)

      def globals_of(data):
          u = Recorder(io.BytesIO(data))
          u.seen = []
          u.load()
          return u.seen

      dumpers = []
      if PY2:
          import cPickle
          dumpers.append(('cpickle', cPickle.dumps))
          dumpers.append(('pickle', pickle.dumps))
      else:
          dumpers.append(('c', pickle.dumps))
          dumpers.append(('py', pickle._dumps))
          dumpers.append(('nofix', lambda v, p: pickle.dumps(v, p, fix_imports=False)))
      out = sys.stdout
      for name, value in values:
          for dname, dump in dumpers:
              for proto in range(pickle.HIGHEST_PROTOCOL + 1):
                  if dname == 'nofix' and proto > 2:
                      continue
                  data = dump(value, proto)
                  declared = '-'
                  maxproto = 0
                  for op, arg, pos in pickletools.genops(data):
                      maxproto = max(maxproto, op.proto)
                      if op.name == 'PROTO' and declared == '-':
                          declared = str(arg)
                  row = [name, dname, str(proto), declared, str(maxproto), ','.join(globals_of(data)),
                         binascii.hexlify(data).decode('ascii')]
                  out.write('\\t'.join(row) + '\\n')
      """;

  /** Reads length-prefixed pickles from stdin and writes '1' for each that Python 2.7 loads, '0' otherwise. */
  static final String PY27_LOADER = """
      import sys, struct, cPickle
      data = sys.stdin.read()
      i = 0
      res = []
      while i < len(data):
          n = struct.unpack('>I', data[i:i + 4])[0]
          try:
              cPickle.loads(data[i + 4:i + 4 + n])
              res.append('1')
          except Exception:
              res.append('0')
          i += 4 + n
      sys.stdout.write(''.join(res))
      """;

  record Blob(String python, String value, String dumper, int protocol, Integer declared, int maxProto,
      List<String> globals, byte[] data) {
    @Override
    public String toString() {
      return "Python " + python + " " + dumper + " protocol " + protocol + " " + value;
    }
  }

  private final List<Blob> blobs = new ArrayList<>();
  private final List<Blob> py3LowProtocol = new ArrayList<>();
  private byte[] py27Loads;

  @BeforeAll
  void generate() {
    List<PythonInterpreter> all = Pythons.all();
    assertFalse(all.isEmpty(), "no pyenv interpreters");
    for (PythonInterpreter py : all) {
      String out = new String(py.runChecked(GENERATOR, new byte[0]), StandardCharsets.US_ASCII);
      for (String line : out.split("\n")) {
        if (line.isEmpty()) {
          continue;
        }
        String[] f = line.split("\t", -1);
        Blob b = new Blob(py.version(), f[0], f[1], Integer.parseInt(f[2]),
            f[3].equals("-") ? null : Integer.valueOf(f[3]), Integer.parseInt(f[4]),
            f[5].isEmpty() ? List.of() : Arrays.asList(f[5].split(",")), HexFormat.of().parseHex(f[6]));
        blobs.add(b);
        if (!py.isPython2() && b.protocol() <= 2) {
          py3LowProtocol.add(b);
        }
      }
    }
    ByteArrayOutputStream in = new ByteArrayOutputStream();
    for (Blob b : py3LowProtocol) {
      in.writeBytes(ByteBuffer.allocate(4).putInt(b.data().length).array());
      in.writeBytes(b.data());
    }
    py27Loads = Pythons.require("2.7").runChecked(PY27_LOADER, in.toByteArray());
    assertEquals(py3LowProtocol.size(), py27Loads.length);
  }

  Stream<Blob> blobs() {
    return blobs.stream();
  }

  @Test
  void coversEveryInterpreterAndProtocol() {
    for (PythonInterpreter py : Pythons.all()) {
      int highest = py.isPython2() ? 2 : PythonVersion.parse(py.majorMinor()).highestPickleProtocol();
      for (int p = 0; p <= highest; p++) {
        int proto = p;
        assertTrue(blobs.stream().anyMatch(b -> b.python().equals(py.version()) && b.protocol() == proto),
            py + " protocol " + p);
      }
    }
    assertTrue(blobs.size() > 1000, "blobs: " + blobs.size());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("blobs")
  void benignPickleIsValidWithTheProtocolsAndGlobalsPythonReports(Blob b) {
    PickleReport r = PickleInspector.defaults().inspect(b.data());
    assertEquals(Verdict.VALID, r.verdict(), r.findings().toString());
    assertEquals(List.of(), r.findings());
    assertEquals(b.declared(), r.declaredProtocol());
    assertEquals(b.maxProto(), r.maxOpcodeProtocol());
    assertEquals(b.globals(), r.globals());
    if (b.python().startsWith("2.")) {
      assertEquals(PythonVersion.PY2_7, r.minPython());
    } else if (b.protocol() > 2) {
      assertEquals(PythonVersion.oldestLoadingProtocol(b.protocol()), r.minPython());
    }
  }

  @Test
  void python3LowProtocolPicklesNeedPython3ExactlyWhenPython27CannotLoadThem() {
    int loadable = 0;
    List<String> wrong = new ArrayList<>();
    for (int i = 0; i < py3LowProtocol.size(); i++) {
      Blob b = py3LowProtocol.get(i);
      boolean py27 = py27Loads[i] == '1';
      loadable += py27 ? 1 : 0;
      PythonVersion expected = py27 ? PythonVersion.PY2_7 : PythonVersion.PY3_0;
      PythonVersion got = PickleInspector.defaults().inspect(b.data()).minPython();
      if (!expected.equals(got)) {
        wrong.add(b + ": Python 2.7 " + (py27 ? "loads" : "does not load") + " it, inspector says " + got);
      }
    }
    assertEquals(List.of(), wrong);
    assertTrue(loadable > py3LowProtocol.size() / 2, "most default pickles load on 2.7: " + loadable);
  }

  @Test
  void python3ProtocolTwoWithoutFixImportsNamingBuiltinsNeedsPython3() {
    List<Blob> sets = blobs.stream()
        .filter(b -> b.dumper().equals("nofix") && b.value().equals("set") && b.protocol() == 2).toList();
    assertFalse(sets.isEmpty());
    for (Blob b : sets) {
      PickleReport r = PickleInspector.defaults().inspect(b.data());
      assertEquals(List.of("builtins.set"), r.globals(), b.toString());
      assertEquals(PythonVersion.PY3_0, r.minPython(), b.toString());
    }
    for (Blob b : blobs.stream().filter(b -> b.dumper().equals("c") && b.value().equals("set")
        && b.protocol() == 2).toList()) {
      assertEquals(PythonVersion.PY2_7, PickleInspector.defaults().inspect(b.data()).minPython(), b.toString());
    }
  }
}
