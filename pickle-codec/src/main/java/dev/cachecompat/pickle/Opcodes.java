package dev.cachecompat.pickle;

/**
 * Pickle opcode bytes, their names and the protocol that introduced each, as CPython's pickletools lists them.
 */
final class Opcodes {
  private Opcodes() {}

  static final int MARK = '(';
  static final int STOP = '.';
  static final int POP = '0';
  static final int POP_MARK = '1';
  static final int DUP = '2';
  static final int FLOAT = 'F';
  static final int INT = 'I';
  static final int BININT = 'J';
  static final int BININT1 = 'K';
  static final int LONG = 'L';
  static final int BININT2 = 'M';
  static final int NONE = 'N';
  static final int PERSID = 'P';
  static final int BINPERSID = 'Q';
  static final int REDUCE = 'R';
  static final int STRING = 'S';
  static final int BINSTRING = 'T';
  static final int SHORT_BINSTRING = 'U';
  static final int UNICODE = 'V';
  static final int BINUNICODE = 'X';
  static final int APPEND = 'a';
  static final int BUILD = 'b';
  static final int GLOBAL = 'c';
  static final int DICT = 'd';
  static final int EMPTY_DICT = '}';
  static final int APPENDS = 'e';
  static final int GET = 'g';
  static final int BINGET = 'h';
  static final int INST = 'i';
  static final int LONG_BINGET = 'j';
  static final int LIST = 'l';
  static final int EMPTY_LIST = ']';
  static final int OBJ = 'o';
  static final int PUT = 'p';
  static final int BINPUT = 'q';
  static final int LONG_BINPUT = 'r';
  static final int SETITEM = 's';
  static final int TUPLE = 't';
  static final int EMPTY_TUPLE = ')';
  static final int SETITEMS = 'u';
  static final int BINFLOAT = 'G';
  static final int BINBYTES = 'B';
  static final int SHORT_BINBYTES = 'C';
  static final int PROTO = 0x80;
  static final int NEWOBJ = 0x81;
  static final int EXT1 = 0x82;
  static final int EXT2 = 0x83;
  static final int EXT4 = 0x84;
  static final int TUPLE1 = 0x85;
  static final int TUPLE2 = 0x86;
  static final int TUPLE3 = 0x87;
  static final int NEWTRUE = 0x88;
  static final int NEWFALSE = 0x89;
  static final int LONG1 = 0x8a;
  static final int LONG4 = 0x8b;
  static final int SHORT_BINUNICODE = 0x8c;
  static final int BINUNICODE8 = 0x8d;
  static final int BINBYTES8 = 0x8e;
  static final int EMPTY_SET = 0x8f;
  static final int ADDITEMS = 0x90;
  static final int FROZENSET = 0x91;
  static final int NEWOBJ_EX = 0x92;
  static final int STACK_GLOBAL = 0x93;
  static final int MEMOIZE = 0x94;
  static final int FRAME = 0x95;
  static final int BYTEARRAY8 = 0x96;
  static final int NEXT_BUFFER = 0x97;
  static final int READONLY_BUFFER = 0x98;

  /** Protocol that introduced each opcode byte; -1 for bytes that are no opcode. */
  private static final byte[] PROTO_OF = new byte[256];
  private static final String[] NAME_OF = new String[256];

  static {
    java.util.Arrays.fill(PROTO_OF, (byte) -1);
    def(INT, "INT", 0); def(BININT, "BININT", 1); def(BININT1, "BININT1", 1); def(BININT2, "BININT2", 1);
    def(LONG, "LONG", 0); def(LONG1, "LONG1", 2); def(LONG4, "LONG4", 2);
    def(STRING, "STRING", 0); def(BINSTRING, "BINSTRING", 1); def(SHORT_BINSTRING, "SHORT_BINSTRING", 1);
    def(BINBYTES, "BINBYTES", 3); def(SHORT_BINBYTES, "SHORT_BINBYTES", 3); def(BINBYTES8, "BINBYTES8", 4);
    def(BYTEARRAY8, "BYTEARRAY8", 5); def(NEXT_BUFFER, "NEXT_BUFFER", 5);
    def(READONLY_BUFFER, "READONLY_BUFFER", 5);
    def(NONE, "NONE", 0); def(NEWTRUE, "NEWTRUE", 2); def(NEWFALSE, "NEWFALSE", 2);
    def(UNICODE, "UNICODE", 0); def(SHORT_BINUNICODE, "SHORT_BINUNICODE", 4); def(BINUNICODE, "BINUNICODE", 1);
    def(BINUNICODE8, "BINUNICODE8", 4);
    def(FLOAT, "FLOAT", 0); def(BINFLOAT, "BINFLOAT", 1);
    def(EMPTY_LIST, "EMPTY_LIST", 1); def(APPEND, "APPEND", 0); def(APPENDS, "APPENDS", 1); def(LIST, "LIST", 0);
    def(EMPTY_TUPLE, "EMPTY_TUPLE", 1); def(TUPLE, "TUPLE", 0); def(TUPLE1, "TUPLE1", 2);
    def(TUPLE2, "TUPLE2", 2); def(TUPLE3, "TUPLE3", 2);
    def(EMPTY_DICT, "EMPTY_DICT", 1); def(DICT, "DICT", 0); def(SETITEM, "SETITEM", 0);
    def(SETITEMS, "SETITEMS", 1);
    def(EMPTY_SET, "EMPTY_SET", 4); def(ADDITEMS, "ADDITEMS", 4); def(FROZENSET, "FROZENSET", 4);
    def(POP, "POP", 0); def(DUP, "DUP", 0); def(MARK, "MARK", 0); def(POP_MARK, "POP_MARK", 1);
    def(GET, "GET", 0); def(BINGET, "BINGET", 1); def(LONG_BINGET, "LONG_BINGET", 1);
    def(PUT, "PUT", 0); def(BINPUT, "BINPUT", 1); def(LONG_BINPUT, "LONG_BINPUT", 1); def(MEMOIZE, "MEMOIZE", 4);
    def(EXT1, "EXT1", 2); def(EXT2, "EXT2", 2); def(EXT4, "EXT4", 2);
    def(GLOBAL, "GLOBAL", 0); def(STACK_GLOBAL, "STACK_GLOBAL", 4);
    def(REDUCE, "REDUCE", 0); def(BUILD, "BUILD", 0); def(INST, "INST", 0); def(OBJ, "OBJ", 1);
    def(NEWOBJ, "NEWOBJ", 2); def(NEWOBJ_EX, "NEWOBJ_EX", 4);
    def(PROTO, "PROTO", 2); def(STOP, "STOP", 0); def(FRAME, "FRAME", 4);
    def(PERSID, "PERSID", 0); def(BINPERSID, "BINPERSID", 1);
  }

  private static void def(int code, String name, int proto) {
    PROTO_OF[code] = (byte) proto;
    NAME_OF[code] = name;
  }

  /** The protocol that introduced {@code code}, or -1 if it is no opcode. */
  static int protocolOf(int code) {
    return PROTO_OF[code & 0xFF];
  }

  /** The pickletools name of {@code code}, or null if it is no opcode. */
  static String nameOf(int code) {
    return NAME_OF[code & 0xFF];
  }
}
