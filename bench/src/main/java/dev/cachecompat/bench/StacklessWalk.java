package dev.cachecompat.bench;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * A measuring instrument, not a product path: a walk over the feed pages' opcodes that does part of the work any
 * inspector must do there, and none of the stack. It bounds from below what a per-opcode inspector can take on
 * these pages, whatever the design of its loop (docs/performance.md, "Seventh round").
 *
 * <p>What it does, per opcode: read and dispatch the opcode, check it ends inside the frame; for a str, its
 * length against a limit and its UTF-8 (an ASCII word test, then strict UTF-8 byte by byte); for a memo write, a
 * new cell with the item's kind, expanded size and depth, the memo index pointing at it; for a memo read, that
 * the index is set, the cell's kind (a dict key must be hashable) and its size and depth; for every item, the
 * object count against a limit and the running size and depth of the batch it is in; for a MARK, a new batch; for
 * SETITEMS and APPENDS, the batch folded into the container below the MARK, an even count of dict items, and the
 * depth and size limits.
 *
 * <p>What it leaves out, and a real inspector cannot: the stack itself (each item's kind and node, which the
 * container fills, TUPLE, REDUCE, STACK_GLOBAL and every underflow check read), the string's location kept for a
 * global's name, the type of the container below a MARK (taken to be the item pushed last, and told apart only
 * as a dict or not), memo writes over an item that already has a cell, the memo's and marks' limits, every
 * opcode outside the feed pages (a pickle with one is refused, -1), and every finding. It is not correct for
 * general input: it answers only how fast the checks above can go.
 */
final class StacklessWalk {
  private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
  private static final long HIGH_BITS = 0x8080808080808080L;
  private static final byte K_INT = 3;
  private static final byte K_STR = 5;
  private static final byte K_OBJ = 11;
  private static final byte K_LIST = 13;
  private static final byte K_DICT = 14;
  private static final long MAX_STRING = 64L << 20;
  private static final long MAX_OBJECTS = 1_000_000;
  private static final long MAX_EXPANDED = 10_000_000;
  private static final int MAX_DEPTH = 200;

  private final byte[] cellKind = new byte[4096];
  private final long[] nodeSize = new long[8192];
  private final int[] nodeDepth = new int[8192];
  private final int[] memo = new int[4096];
  private final int[] markRef = new int[MAX_DEPTH];
  private final long[] markAdd = new long[MAX_DEPTH];
  private final int[] markDeep = new int[MAX_DEPTH];
  private final int[] markCount = new int[MAX_DEPTH];
  private final boolean[] markDict = new boolean[MAX_DEPTH];
  private int memoHigh;

  StacklessWalk() {
    Arrays.fill(memo, -1);
  }

  /**
   * Walks one pickle; returns the objects counted plus the memo writes (a value for the benchmark to consume), or
   * -1 when the pickle holds anything outside the walk's opcodes or fails one of its checks.
   */
  long walk(byte[] b) {
    try {
      return run(b);
    } finally {
      Arrays.fill(memo, 0, memoHigh, -1);
    }
  }

  private long run(byte[] b) {
    final byte[] ck = cellKind;
    final long[] ns = nodeSize;
    final int[] nd = nodeDepth;
    final int[] mm = memo;
    int p = 0;
    final int end = b.length;
    int lim = end;
    int cells = 1; // node 2 * 0 + 1 is the scalars' (size 1, depth 0)
    ns[1] = 1;
    nd[1] = 0;
    int distinct = 0;
    int writes = 0;
    int marks = 0;
    int owned = 0;
    long objects = 0;
    // the item pushed last: its kind, its node, and whether that node is a memo cell's
    byte lastKind = 0;
    int lastRef = 1;
    boolean lastInCell = false;
    // and the one before it (the list of an APPEND)
    byte prevKind = 0;
    int prevRef = 1;
    // the running batch: expanded size and depth of its items, and how many there are
    long add = 0;
    int deep = 0;
    int count = 0;
    boolean inDict = false;
    memoHigh = 0;
    while (p < end) {
      int c = b[p] & 0xFF;
      int next;
      byte kind;
      int ref;
      boolean inCell;
      switch (c) {
        case 0x80: // PROTO
          p += 2;
          continue;
        case 0x95: { // FRAME
          if (p + 9 > end) {
            return -1;
          }
          long n = (long) LONGS.get(b, p + 1);
          if (n < 0 || n > end - (p + 9L)) {
            return -1;
          }
          p += 9;
          lim = p + (int) n;
          continue;
        }
        case '}':
        case ']': {
          next = p + 1;
          int r = 2 * ++owned;
          if (r >= ns.length) {
            return -1;
          }
          ns[r] = 1;
          nd[r] = 1;
          kind = c == '}' ? K_DICT : K_LIST;
          ref = r;
          inCell = false;
          add += 1;
          deep = Math.max(deep, 1);
          break;
        }
        case 0x8C: // SHORT_BINUNICODE
        case 'X': { // BINUNICODE
          int a0;
          long n;
          if (c == 0x8C) {
            if (p + 2 > lim) {
              return -1;
            }
            n = b[p + 1] & 0xFF;
            a0 = p + 2;
          } else {
            if (p + 5 > lim) {
              return -1;
            }
            n = ((b[p + 1] & 0xFFL) | (b[p + 2] & 0xFFL) << 8 | (b[p + 3] & 0xFFL) << 16 | (b[p + 4] & 0xFFL) << 24);
            a0 = p + 5;
          }
          if (n > MAX_STRING || a0 + n > lim) {
            return -1;
          }
          next = a0 + (int) n;
          if (!utf8(b, a0, next)) {
            return -1;
          }
          kind = K_STR;
          ref = 1;
          inCell = false;
          add += 1;
          break;
        }
        case 'J':
        case 'K':
        case 'M':
        case 'G':
        case 0x88:
        case 0x89:
        case 'N':
          next = p + (c == 'J' ? 5 : c == 'K' ? 2 : c == 'M' ? 3 : c == 'G' ? 9 : 1);
          kind = K_INT;
          ref = 1;
          inCell = false;
          add += 1;
          break;
        case 'h': { // BINGET
          if (p + 2 > lim) {
            return -1;
          }
          int cell = mm[b[p + 1] & 0xFF];
          if (cell < 0) {
            return -1;
          }
          kind = ck[cell];
          int r = 2 * cell + 1;
          add += ns[r];
          deep = Math.max(deep, nd[r]);
          ref = r;
          inCell = true;
          objects--;
          next = p + 2;
          break;
        }
        case 0x94: // MEMOIZE
        case 'q': { // BINPUT
          int n = c == 0x94 ? 1 : 2;
          if (p + n > lim) {
            return -1;
          }
          int idx = c == 0x94 ? distinct : b[p + 1] & 0xFF;
          if (idx >= mm.length) {
            return -1;
          }
          if (idx >= memoHigh) {
            memoHigh = idx + 1;
          }
          if (!lastInCell) {
            int cell = ++cells;
            int cr = 2 * cell + 1;
            if (cell >= ck.length || cr >= ns.length) {
              return -1;
            }
            ck[cell] = lastKind;
            ns[cr] = ns[lastRef];
            nd[cr] = nd[lastRef];
            lastRef = cr;
            lastInCell = true;
            if (mm[idx] < 0) {
              distinct++;
            }
            mm[idx] = cell;
          }
          writes++;
          p += n;
          continue;
        }
        case '(': // MARK
          if (marks == MAX_DEPTH) {
            return -1;
          }
          markRef[marks] = lastRef;
          markDict[marks] = inDict;
          markAdd[marks] = add;
          markDeep[marks] = deep;
          markCount[marks] = count;
          inDict = lastKind == K_DICT;
          marks++;
          add = 0;
          deep = 0;
          count = 0;
          p++;
          continue;
        case 'u': // SETITEMS
        case 'e': { // APPENDS
          if (marks == 0 || c == 'u' && (!inDict || (count & 1) != 0) || c == 'e' && inDict) {
            return -1;
          }
          marks--;
          int rt = markRef[marks];
          long size = ns[rt] + add;
          int depth = Math.max(nd[rt], deep + 1);
          if (size > MAX_EXPANDED || depth > MAX_DEPTH) {
            return -1;
          }
          ns[rt] = size;
          nd[rt] = depth;
          add += markAdd[marks]; // the container counted 1 in its own batch when it was pushed
          deep = Math.max(markDeep[marks], depth);
          count = markCount[marks];
          inDict = markDict[marks];
          p++;
          continue;
        }
        case 'a': { // APPEND: the item pushed last goes into the list before it
          if (count < 2 || prevKind != K_LIST) {
            return -1;
          }
          int depth = Math.max(nd[prevRef], nd[lastRef] + 1);
          if (ns[prevRef] + ns[lastRef] > MAX_EXPANDED || depth > MAX_DEPTH) {
            return -1;
          }
          ns[prevRef] += ns[lastRef]; // its size already counts in the batch, where the list now holds it
          nd[prevRef] = depth;
          deep = Math.max(deep, depth);
          count--;
          lastKind = prevKind;
          lastRef = prevRef;
          lastInCell = isCell(prevRef);
          p++;
          continue;
        }
        case '.': // STOP
          return marks == 0 && p + 1 == end ? objects + writes : -1;
        default:
          return -1;
      }
      if (next > lim || inDict && (count & 1) == 0 && kind > K_OBJ) {
        return -1; // past the frame, or an unhashable dict key
      }
      prevKind = lastKind;
      prevRef = lastRef;
      lastKind = kind;
      lastRef = ref;
      lastInCell = inCell;
      if (++objects >= MAX_OBJECTS) {
        return -1;
      }
      count++;
      p = next;
    }
    return -1;
  }

  private static boolean isCell(int ref) {
    return (ref & 1) != 0;
  }

  /** Strict UTF-8 (no overlongs, no code points past U+10FFFF; surrogates pass, as the inspector lets them). */
  private static boolean utf8(byte[] b, int s, int e) {
    int i = s;
    while (i + 8 <= e && ((long) LONGS.get(b, i) & HIGH_BITS) == 0) {
      i += 8;
    }
    while (i < e) {
      int x = b[i];
      if (x >= 0) {
        i++;
        continue;
      }
      x &= 0xFF;
      if (x < 0xC2) {
        return false;
      }
      if (x < 0xE0) {
        if (i + 1 >= e || (b[i + 1] & 0xC0) != 0x80) {
          return false;
        }
        i += 2;
      } else if (x < 0xF0) {
        if (i + 2 >= e || (b[i + 1] & 0xC0) != 0x80 || (b[i + 2] & 0xC0) != 0x80
            || x == 0xE0 && (b[i + 1] & 0xFF) < 0xA0) {
          return false;
        }
        i += 3;
      } else {
        if (x > 0xF4 || i + 3 >= e || (b[i + 1] & 0xC0) != 0x80 || (b[i + 2] & 0xC0) != 0x80
            || (b[i + 3] & 0xC0) != 0x80 || x == 0xF0 && (b[i + 1] & 0xFF) < 0x90
            || x == 0xF4 && (b[i + 1] & 0xFF) > 0x8F) {
          return false;
        }
        i += 4;
      }
    }
    return true;
  }
}
