package dev.cachecompat.pickle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cachecompat.core.Finding;
import dev.cachecompat.core.Limits;
import dev.cachecompat.core.PythonVersion;
import dev.cachecompat.core.Severity;
import dev.cachecompat.core.Verdict;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class PickleInspectorTest {
  private static final PickleInspector DEFAULTS = PickleInspector.defaults();

  /** A pickle written as a Java string of chars 0-255 (one byte each). */
  static byte[] p(String s) {
    return s.getBytes(StandardCharsets.ISO_8859_1);
  }

  static PickleReport inspect(String s) {
    return DEFAULTS.inspect(p(s));
  }

  static PickleReport inspect(Limits limits, String s) {
    return PickleInspector.builder().limits(limits).build().inspect(p(s));
  }

  static void assertError(PickleReport r, Verdict verdict, String code, String message) {
    assertEquals(verdict, r.verdict(), r.findings().toString());
    Finding f = r.firstError();
    assertNotNull(f);
    assertEquals(code, f.code(), f.message());
    if (message != null) {
      assertEquals(message, f.message());
    }
  }

  // --- what valid pickles report ---

  @Test
  void reportsProtocolZeroWithoutProto() {
    PickleReport r = inspect("(lp0\nI1\naI00\naL12345678901234567890L\naF-1.5e3\naS'a\\x41\\n'\naVb\\u20ac\na.");
    assertEquals(Verdict.VALID, r.verdict(), r.findings().toString());
    assertNull(r.declaredProtocol());
    assertEquals(0, r.maxOpcodeProtocol());
    assertEquals(0, r.protocol());
    assertEquals(PythonVersion.PY2_7, r.minPython());
    assertEquals(List.of(), r.globals());
    assertEquals(List.of(), r.findings());
  }

  /**
   * CPython checks every PROTO against its highest protocol, not only the first: 2.7.18 refuses {@code PROTO 2,
   * PROTO 3, NONE, STOP} with "unsupported pickle protocol: 3" (a mutant CPythonPropertiesIT found). The report's
   * protocol stays the first one declared.
   */
  @Test
  void oldestPythonCountsEveryProtoNotOnlyTheFirst() {
    PickleReport r = inspect("\u0080\u0002\u0080\u0003N.");
    assertEquals(Verdict.VALID, r.verdict(), r.findings().toString());
    assertEquals(2, r.declaredProtocol());
    assertEquals(PythonVersion.PY3_0, r.minPython());
    assertEquals(PythonVersion.PY3_8, inspect("\u0080\u0002\u0080\u0005\u0080\u0002N.").minPython());
    assertEquals(PythonVersion.PY2_7, inspect("\u0080\u0002\u0080\u0001N.").minPython());
  }

  @Test
  void reportsDeclaredAndOpcodeProtocols() {
    PickleReport r = inspect("\u0080\u0004K\u0001.");
    assertEquals(Verdict.VALID, r.verdict());
    assertEquals(4, r.declaredProtocol());
    assertEquals(2, r.maxOpcodeProtocol());
    assertEquals(PythonVersion.PY3_4, r.minPython());
    PickleReport r5 = inspect("\u0080\u0002\u0096\u0001\u0000\u0000\u0000\u0000\u0000\u0000\u0000x.");
    assertEquals(5, r5.maxOpcodeProtocol());
    assertEquals(PythonVersion.PY3_8, r5.minPython());
    assertEquals(PythonVersion.PY3_0, inspect("\u0080\u0002C\u0001x.").minPython());
  }

  @Test
  void trailingBytesAreAWarningAndStayValid() {
    PickleReport r = inspect("N.xyz");
    assertEquals(Verdict.VALID, r.verdict());
    assertEquals(List.of(new Finding("trailing-bytes", Severity.WARNING, 2,
        "3 bytes after STOP at offset 1 (from offset 2) are ignored by the unpickler")), r.findings());
    assertNull(r.firstError());
  }

  @Test
  void inspectsASliceWithOffsetsFromItsStart() {
    byte[] buf = p("xxxK\u0001K\u0002.yy");
    PickleReport r = DEFAULTS.inspect(buf, 3, 5);
    assertError(r, Verdict.MALFORMED, "bad-stop-stack",
        "STOP at offset 4 leaves 2 items on the stack; a pickle must leave exactly 1");
    assertThrows(IndexOutOfBoundsException.class, () -> DEFAULTS.inspect(buf, 5, 10));
    assertThrows(NullPointerException.class, () -> DEFAULTS.inspect(null));
  }

  @Test
  void acceptsIntBoolsLongSuffixAndSpecialFloats() {
    for (String s : List.of("I00\n.", "I01\n.", "I-0\n.", "I+7\n.", "L0\n.", "L00L\n.", "L-12L\n.", "Finf\n.",
        "F-Infinity\n.", "Fnan\n.", "F.5\n.", "F5.\n.", "F1e308\n.")) {
      assertEquals(Verdict.VALID, inspect(s).verdict(), s + " " + inspect(s).findings());
    }
  }

  // --- malformed ---

  @Test
  void rejectsUnknownOpcode() {
    assertError(inspect("N\u00ff."), Verdict.MALFORMED, "unknown-opcode", "unknown opcode 0xff at offset 1");
  }

  @Test
  void rejectsTruncatedBinunicode() {
    assertError(inspect("\u0080\u0003N0X\u00ff\u00ff\u00ff\u00ffabc"), Verdict.MALFORMED, "truncated",
        "BINUNICODE at offset 4 claims 4294967295 bytes but 3 remain");
  }

  @Test
  void rejectsFrameLongerThanThePayload() {
    assertError(inspect("\u0080\u0004\u0095\u0009\u0000\u0000\u0000\u0000\u0000\u0000\u0000N."), Verdict.MALFORMED,
        "truncated", "FRAME at offset 2 claims 9 bytes but 2 remain");
    assertEquals(Verdict.VALID,
        inspect("\u0080\u0004\u0095\u0002\u0000\u0000\u0000\u0000\u0000\u0000\u0000N.").verdict());
  }

  @Test
  void rejectsOpcodesRunningPastTheirFrame() {
    assertError(inspect("\u0080\u0004\u0095\u0002\u0000\u0000\u0000\u0000\u0000\u0000\u0000"
        + "G\u003f\u00f8\u0000\u0000\u0000\u0000\u0000\u0000."), Verdict.MALFORMED, "bad-frame",
        "BINFLOAT at offset 11 reads past the end of its frame at offset 13");
    assertError(inspect("\u0080\u0004\u0095\u000b\u0000\u0000\u0000\u0000\u0000\u0000\u0000"
        + "\u0095\u0001\u0000\u0000\u0000\u0000\u0000\u0000\u0000N.N"), Verdict.MALFORMED, "bad-frame",
        "FRAME at offset 11 begins before the previous frame ends at offset 22");
    // an opcode that is the last byte of its frame reads its argument from outside: CPython allows that
    assertEquals(Verdict.VALID, inspect("\u0080\u0004\u0095\u0001\u0000\u0000\u0000\u0000\u0000\u0000\u0000"
        + "K\u0007.").verdict());
  }

  @Test
  void requireValidThrowsThePickleExceptionOfTheFirstError() {
    PickleException e = assertThrows(PickleException.class, () -> inspect("NN.").requireValid());
    assertEquals(Verdict.MALFORMED, e.verdict());
    assertEquals("bad-stop-stack", e.code());
    assertEquals(2, e.offset());
    PickleException unsafe = assertThrows(PickleException.class, () -> inspect("cos\nsystem\n.").requireValid());
    assertEquals(Verdict.UNSAFE, unsafe.verdict());
    assertEquals("dangerous-global", unsafe.code());
  }

  @Test
  void rejectsMissingStop() {
    assertError(inspect("K\u0001"), Verdict.MALFORMED, "missing-stop", "pickle ends at offset 2 without STOP");
  }

  @Test
  void rejectsStackUnderflowAndMarkUsedAsValue() {
    assertError(inspect("]a."), Verdict.MALFORMED, "stack-underflow",
        "APPEND at offset 1 needs 2 stack items but finds 1");
    assertError(inspect("](Na."), Verdict.MALFORMED, "stack-underflow",
        "APPEND at offset 3 needs 2 stack items but finds 1 above the MARK");
  }

  @Test
  void rejectsMarkMisuse() {
    assertError(inspect("Ne."), Verdict.MALFORMED, "mark-misuse", "APPENDS at offset 1 finds no MARK");
    assertError(inspect("1"), Verdict.MALFORMED, "mark-misuse", "POP_MARK at offset 0 finds no MARK");
    assertError(inspect("(N."), Verdict.MALFORMED, "mark-misuse",
        "STOP at offset 2 finds the MARK pushed before stack item 0 still open");
  }

  @Test
  void popOnAnEmptyFramePopsTheMarkAsCpythonDoes() {
    assertEquals(Verdict.VALID, inspect("N(0.").verdict());
  }

  @Test
  void rejectsOddDictItems() {
    assertError(inspect("(NNNd."), Verdict.MALFORMED, "odd-items",
        "DICT at offset 4 has an odd number of items (3) after the MARK");
  }

  @Test
  void rejectsTypeMismatches() {
    assertError(inspect("K\u0001K\u0002a."), Verdict.MALFORMED, "type-mismatch",
        "APPEND at offset 4 appends to an int, not a list");
    assertError(inspect("}]Ns."), Verdict.MALFORMED, "type-mismatch",
        "SETITEM at offset 3 uses a list, which is unhashable, as a key or set element");
    assertError(inspect("\u0080\u0004\u008f(]\u0090."), Verdict.MALFORMED, "type-mismatch",
        "ADDITEMS at offset 5 uses a list, which is unhashable, as a key or set element");
    assertError(inspect("\u0080\u0002c__builtin__\nset\nN\u0081."), Verdict.MALFORMED, "type-mismatch",
        "NEWOBJ at offset 20 takes None as arguments, not a tuple");
  }

  @Test
  void rejectsGetOfAnIndexNeverPut() {
    assertError(inspect("]q\u0001h\u0002."), Verdict.MALFORMED, "memo-missing",
        "BINGET at offset 3 reads memo index 2, which was never PUT");
    assertError(inspect("]r\u0000\u0000\u0001\u0000j\u0000\u0000\u0002\u0000."), Verdict.MALFORMED, "memo-missing",
        "LONG_BINGET at offset 6 reads memo index 131072, which was never PUT");
  }

  @Test
  void rejectsNegativePut() {
    assertError(inspect("Va\np-1\n."), Verdict.MALFORMED, "negative-put",
        "PUT at offset 3 has a negative memo index '-1'");
  }

  @Test
  void rejectsNegativeLong4Count() {
    assertError(inspect("\u008b\u0000\u0000\u0000\u0080."), Verdict.MALFORMED, "bad-length",
        "LONG4 at offset 0 has a negative byte count -2147483648");
  }

  @Test
  void rejectsBadStringLiterals() {
    assertError(inspect("S'abc\"\n."), Verdict.MALFORMED, "bad-string-literal",
        "STRING at offset 0 has an argument that is not quoted: '\\'abc\"'");
    assertError(inspect("S'\\x4'\n."), Verdict.MALFORMED, "bad-string-literal",
        "STRING at offset 0 has a bad \\x escape at offset 2: '\\'\\\\x4\\''");
    assertError(inspect("Va\\u12\n."), Verdict.MALFORMED, "bad-string-literal",
        "UNICODE at offset 0 has a truncated \\u escape at offset 2");
    assertError(inspect("V\\U00110000\n."), Verdict.MALFORMED, "bad-string-literal",
        "UNICODE at offset 0 has escape \\U110000 beyond U+10FFFF at offset 1");
    assertEquals(Verdict.VALID, inspect("Va\\\\u12\n.").verdict(), "an even backslash run is no escape");
    assertEquals(Verdict.VALID, inspect("S\"it's\\q\"\n.").verdict());
  }

  @Test
  void rejectsBadIntAndFloatLiterals() {
    assertError(inspect("I12a\n."), Verdict.MALFORMED, "bad-int-literal", "INT at offset 0 has a bad literal '12a'");
    assertError(inspect("L1_0L\n."), Verdict.MALFORMED, "bad-int-literal", "LONG at offset 0 has a bad literal '1_0L'");
    assertError(inspect("LL\n."), Verdict.MALFORMED, "bad-int-literal", "LONG at offset 0 has a bad literal 'L'");
    assertError(inspect("F1.5x\n."), Verdict.MALFORMED, "bad-float-literal",
        "FLOAT at offset 0 has a bad literal '1.5x'");
    assertError(inspect("F1e999\n."), Verdict.MALFORMED, "bad-float-literal", "FLOAT at offset 0 overflows: '1e999'");
    assertError(inspect("gx\n."), Verdict.MALFORMED, "bad-int-literal", "GET at offset 0 has a bad memo index 'x'");
  }

  @Test
  void validatesUtf8AcceptingSurrogatesAsCpythonsSurrogatepass() {
    assertError(inspect("X\u0002\u0000\u0000\u0000\u00c0\u0080."), Verdict.MALFORMED, "bad-utf8",
        "BINUNICODE at offset 0 has malformed UTF-8 at offset 5 (byte 0xc0)");
    assertError(inspect("\u008c\u0002\u00e2\u0082."), Verdict.MALFORMED, "bad-utf8",
        "SHORT_BINUNICODE at offset 0 has malformed UTF-8 at offset 2 (byte 0xe2)");
    assertEquals(Verdict.VALID, inspect("\u008c\u0003\u00ed\u00a0\u0080.").verdict());
    assertEquals(Verdict.VALID, inspect("\u008c\u0004\u00f0\u009f\u0098\u0080.").verdict());
    assertError(inspect("c\u00ff\nlog\n."), Verdict.MALFORMED, "bad-utf8",
        "GLOBAL at offset 0 has malformed UTF-8 at offset 1 (byte 0xff)");
  }

  @Test
  void rejectsExtensionCodes() {
    assertError(inspect("\u0083\u0001\u0002."), Verdict.MALFORMED, "ext-unsupported",
        "EXT2 at offset 0 uses extension code 513 but no extension registry is configured");
  }

  @Test
  void persistentIdsOnlyWhenEnabled() {
    assertError(inspect("Pabc\n."), Verdict.MALFORMED, "persistent-id-unsupported",
        "PERSID at offset 0 needs a persistent-id handler; enable persistentIds(true) to accept it");
    assertError(inspect("NQ."), Verdict.MALFORMED, "persistent-id-unsupported", null);
    PickleInspector withIds = PickleInspector.builder().persistentIds(true).build();
    assertEquals(Verdict.VALID, withIds.inspect(p("Pabc\n.")).verdict());
    assertEquals(Verdict.VALID, withIds.inspect(p("\u0080\u0002K\u0001Q.")).verdict());
    assertError(withIds.inspect(p("Pab\u00e9\n.")), Verdict.MALFORMED, "bad-string-literal", null);
  }

  @Test
  void outOfBandBuffersOnlyWhenEnabled() {
    assertError(inspect("\u0080\u0005\u0097."), Verdict.MALFORMED, "buffer-unsupported",
        "NEXT_BUFFER at offset 2 refers to an out-of-band buffer; enable outOfBandBuffers(true) to accept it");
    assertError(inspect("\u0080\u0005C\u0001x\u0098."), Verdict.MALFORMED, "buffer-unsupported", null);
    PickleInspector withBuffers = PickleInspector.builder().outOfBandBuffers(true).build();
    assertEquals(Verdict.VALID, withBuffers.inspect(p("\u0080\u0005\u0097\u0098.")).verdict());
  }

  @Test
  void rejectsProtocolAboveFive() {
    assertError(inspect("\u0080\u0006N."), Verdict.MALFORMED, "bad-protocol",
        "PROTO at offset 0 declares unsupported protocol 6");
  }

  @Test
  void rejectsStopWithoutExactlyOneItem() {
    assertError(inspect("NN."), Verdict.MALFORMED, "bad-stop-stack",
        "STOP at offset 2 leaves 2 items on the stack; a pickle must leave exactly 1");
    assertError(inspect("."), Verdict.MALFORMED, "stack-underflow", "STOP at offset 0 finds an empty stack");
  }

  // --- limits ---

  @Test
  void acceptsPayloadAtTheLimit() {
    assertEquals(Verdict.VALID, inspect(Limits.builder().maxPayloadBytes(3).build(), "K\u0001.").verdict());
  }

  @Test
  void refusesPayloadOverTheLimit() {
    assertError(inspect(Limits.builder().maxPayloadBytes(2).build(), "K\u0001."), Verdict.OVER_LIMIT,
        "payload-too-large", "payload of 3 bytes is over the limit of 2 bytes");
  }

  @Test
  void refusesStringsOverTheLimitButTruncationComesFirst() {
    Limits l = Limits.builder().maxStringBytes(2).build();
    assertError(inspect(l, "\u008c\u0003abc."), Verdict.OVER_LIMIT, "length-over-limit",
        "SHORT_BINUNICODE at offset 0 has 3 bytes but the limit is 2");
    assertError(inspect(l, "\u008c\u0009abc."), Verdict.MALFORMED, "truncated",
        "SHORT_BINUNICODE at offset 0 claims 9 bytes but 4 remain");
    assertError(inspect(l, "S'abc'\n."), Verdict.OVER_LIMIT, "length-over-limit", null);
  }

  @Test
  void refusesDeepMarksAndDeepContainers() {
    Limits l = Limits.builder().maxDepth(3).build();
    assertError(inspect(l, "(((("), Verdict.OVER_LIMIT, "too-deep",
        "MARK at offset 3 opens mark 4 but the nesting limit is 3");
    assertEquals(Verdict.VALID, inspect(l, "]]]aa.").verdict());
    assertError(inspect(l, "]]]]aaa."), Verdict.OVER_LIMIT, "too-deep",
        "APPEND at offset 6 nests containers 4 deep but the limit is 3");
  }

  @Test
  void refusesTooManyMemoEntriesAndHugeMemoIndexes() {
    Limits l = Limits.builder().maxMemoEntries(2).build();
    assertError(inspect(l, "Nq\u0000q\u0001q\u0000."), Verdict.OVER_LIMIT, "too-many-memo-entries",
        "BINPUT at offset 5 writes memo entry 3 but at most 2 are allowed");
    assertError(inspect("Nr\u00ff\u00ff\u00ff\u00ff."), Verdict.OVER_LIMIT, "too-many-memo-entries",
        "LONG_BINPUT at offset 1 uses memo index 4294967295 but at most 1000000 memo entries are allowed");
  }

  @Test
  void refusesTooManyObjects() {
    assertError(inspect(Limits.builder().maxObjects(3).build(), "(NNNt."), Verdict.OVER_LIMIT, "too-many-objects",
        "TUPLE at offset 4 creates object 4 but the limit is 3");
  }

  @Test
  void refusesBillionLaughsThroughTheMemo() {
    // a list of 10 references to a list of 10 references to ... 4 levels: 11,111 elements expanded
    StringBuilder sb = new StringBuilder("\u0080\u0002]q\u0000(");
    for (int i = 0; i < 10; i++) {
      sb.append("K\u0001");
    }
    sb.append('e');
    for (int level = 1; level < 4; level++) {
      sb.append("]q").append((char) level).append('(');
      for (int i = 0; i < 10; i++) {
        sb.append("h").append((char) (level - 1));
      }
      sb.append('e');
    }
    sb.append('.');
    String laughs = sb.toString().replace("e]q\u0001", "e0]q\u0001").replace("e]q\u0002", "e0]q\u0002")
        .replace("e]q\u0003", "e0]q\u0003");
    assertEquals(Verdict.VALID, inspect(laughs).verdict(), inspect(laughs).findings().toString());
    PickleReport r = inspect(Limits.builder().maxExpandedSize(10_000).build(), laughs);
    assertEquals(Verdict.OVER_LIMIT, r.verdict());
    assertEquals("expanded-size-over-limit", r.firstError().code());
    assertTrue(r.firstError().message().startsWith("APPENDS at offset "), r.firstError().message());
  }

  @Test
  void refusesLongIntegers() {
    Limits l = Limits.builder().maxIntDigits(5).build();
    assertError(inspect(l, "I123456\n."), Verdict.OVER_LIMIT, "int-too-long",
        "INT at offset 0 has 6 digits but the limit is 5");
    assertError(inspect(l, "L-123456L\n."), Verdict.OVER_LIMIT, "int-too-long", null);
    assertEquals(Verdict.VALID, inspect(l, "\u008a\u0002\u00ff\u00ff.").verdict());
    assertError(inspect(l, "\u008a\u0003\u00ff\u00ff\u00ff."), Verdict.OVER_LIMIT, "int-too-long",
        "LONG1 at offset 0 has 3 bytes, more than the 2 bytes that fit in 5 digits");
  }

  // --- globals ---

  @Test
  void reportsGlobalsInOrderWithoutRepeats() {
    PickleReport r = inspect("\u0080\u0002c__builtin__\nset\n]\u0085Rc__builtin__\nset\n]\u0085Rccollections\n"
        + "OrderedDict\n)R\u0087.");
    assertEquals(Verdict.VALID, r.verdict(), r.findings().toString());
    assertEquals(List.of("__builtin__.set", "collections.OrderedDict"), r.globals());
    assertEquals(PythonVersion.PY2_7, r.minPython());
  }

  @Test
  void python3SpellingNeedsPython3() {
    PickleReport r = inspect("\u0080\u0002cbuiltins\nset\n)R.");
    assertEquals(Verdict.VALID, r.verdict());
    assertEquals(PythonVersion.PY3_0, r.minPython());
    assertEquals(PythonVersion.PY2_7, inspect("\u0080\u0002c_codecs\nencode\nX\u0001\u0000\u0000\u0000a"
        + "X\u0006\u0000\u0000\u0000latin1\u0086R.").minPython());
  }

  @Test
  void python2SpellingIsNotMappedFromProtocol3() {
    assertError(inspect("\u0080\u0003c__builtin__\nset\n)R."), Verdict.UNSAFE, "unknown-global", null);
  }

  @Test
  void unknownGlobalsAreUnsafeUnlessAllowed() {
    assertError(inspect("cmyapp.models\nPoint\n)R."), Verdict.UNSAFE, "unknown-global",
        "GLOBAL at offset 0 references myapp.models.Point, which is not on the allowlist; "
            + "allow it with allowGlobal(\"myapp.models.Point\")");
    PickleInspector allowing = PickleInspector.builder().allowGlobal("myapp.models.Point").build();
    assertEquals(Verdict.VALID, allowing.inspect(p("cmyapp.models\nPoint\n)R.")).verdict());
  }

  @Test
  void dangerousGlobalsStayDangerousWhenAllowed() {
    PickleInspector allowing = PickleInspector.builder().allowGlobal("os.system").build();
    PickleReport r = allowing.inspect(p("cos\nsystem\n(S'ls'\ntR."));
    assertError(r, Verdict.UNSAFE, "dangerous-global",
        "GLOBAL at offset 0 references os.system, which can run code or do I/O when loaded (module os runs code "
            + "or does I/O)");
    assertEquals(List.of("os.system"), r.globals());
  }

  @Test
  void truncatedPickleAfterADangerousReduceIsStillUnsafe() {
    PickleReport r = inspect("cposix\nsystem\n(S'ls'\ntR\u00ff");
    assertEquals(Verdict.UNSAFE, r.verdict());
    assertEquals(List.of("dangerous-global", "unknown-opcode"), r.findings().stream().map(Finding::code).toList());
  }

  @Test
  void stackGlobalResolvesNamesThroughTheMemo() {
    PickleReport r = inspect("\u0080\u0004\u008c\u0002os\u0094\u008c\u0006system\u0094N0h\u0000h\u0001\u0093"
        + "\u008c\u0002ls\u0085R.");
    assertError(r, Verdict.UNSAFE, "dangerous-global", null);
    assertEquals(List.of("os.system"), r.globals());
    PickleReport viaPut = inspect("Vbuiltins\np0\n0Vset\np1\n0g0\ng1\n\u0093)R.");
    assertEquals(Verdict.VALID, viaPut.verdict(), viaPut.findings().toString());
    assertEquals(List.of("builtins.set"), viaPut.globals());
  }

  @Test
  void stackGlobalOfANonStringIsUnresolved() {
    assertError(inspect("\u0080\u0004K\u0001\u008c\u0003set\u0093."), Verdict.UNSAFE, "unresolved-global",
        "STACK_GLOBAL at offset 9 takes its module from an int, not a string constant");
  }

  @Test
  void dottedNamesThroughDangerousSegmentsAreDangerous() {
    for (String s : List.of("\u0080\u0004\u008c\u0008datetime\u008c\u000bsys.modules\u0093.",
        "\u0080\u0004\u008c\u0008builtins\u008c\u0015object.__subclasses__\u0093.",
        "\u0080\u0004\u008c\u0002os\u008c\u0009path.join\u0093.",
        "\u0080\u0004cdecimal\nDecimal.__init__.__globals__\n.")) {
      assertError(inspect(s), Verdict.UNSAFE, "dangerous-global", null);
    }
  }

  @Test
  void python2SpellingsOfGadgetsAreDangerous() {
    for (String s : List.of("c__builtin__\neval\n.", "c__builtin__\napply\n.", "cnt\nsystem\n.",
        "csubprocess\nPopen\n.", "ccommands\ngetoutput\n.", "cbuiltins\ngetattr\n.", "cfunctools\npartial\n.",
        "coperator\nattrgetter\n.", "cposixpath\njoin\n.", "cexceptions\nStandardError\n.")) {
      PickleReport r = inspect(s);
      assertEquals(Verdict.UNSAFE, r.verdict(), s);
      if (!s.contains("exceptions")) {
        assertEquals("dangerous-global", r.firstError().code(), s);
      }
    }
  }

  // --- passes on one thread share scratch arrays: nothing may leak from one payload into the next ---

  @Test
  void memoEntriesDoNotLeakIntoTheNextInspection() {
    assertEquals(Verdict.VALID, inspect("]q\u0005.").verdict());
    assertError(inspect("h\u0005."), Verdict.MALFORMED, "memo-missing",
        "BINGET at offset 0 reads memo index 5, which was never PUT");
    assertEquals(Verdict.VALID, inspect("\u0080\u0004]\u0094.").verdict());
    assertError(inspect("\u0080\u0004h\u0000."), Verdict.MALFORMED, "memo-missing", null);
  }

  @Test
  void aLargeMemoIsNotKeptOrLeaked() {
    // 70,000 memo entries grow the scratch memo past what is retained between passes
    StringBuilder sb = new StringBuilder("\u0080\u0004(");
    for (int i = 0; i < 70_000; i++) {
      sb.append("N\u0094");
    }
    sb.append("t.");
    assertEquals(Verdict.VALID, inspect(sb.toString()).verdict(), inspect(sb.toString()).findings().toString());
    assertError(inspect("\u0080\u0004h\u0003."), Verdict.MALFORMED, "memo-missing", null);
    assertError(inspect("\u0080\u0004j\u0060\u0011\u0001\u0000."), Verdict.MALFORMED, "memo-missing", null);
  }

  @Test
  void inspectorsAreSafeToShareAcrossThreads() throws InterruptedException {
    Thread[] threads = new Thread[4];
    List<Throwable> failures = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
    for (int t = 0; t < threads.length; t++) {
      threads[t] = new Thread(() -> {
        try {
          for (int i = 0; i < 20_000; i++) {
            assertEquals(Verdict.VALID, inspect("\u0080\u0002]q\u0000(K\u0001h\u0000e.").verdict());
            assertEquals(Verdict.MALFORMED, inspect("h\u0000.").verdict());
          }
        } catch (Throwable e) {
          failures.add(e);
        }
      });
      threads[t].start();
    }
    for (Thread t : threads) {
      t.join();
    }
    assertEquals(List.of(), failures);
  }
}
