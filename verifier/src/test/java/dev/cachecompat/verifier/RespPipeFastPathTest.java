package dev.cachecompat.verifier;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link RespPipe}'s one-call paths of the scan ({@link RespPipe#bulk}, {@link RespPipe#integer},
 * {@link RespPipe#getrangeAndPttl}) against the general ones they stand for: the same answers, the same failures
 * with the same messages, and the same bytes sent, whatever way the replies are split across reads.
 */
class RespPipeFastPathTest {
  /** Answers at most {@code step} bytes a read, so replies straddle the pipe's buffer refills. */
  private static final class Trickle extends InputStream {
    private final byte[] data;
    private final int step;
    private int pos;

    Trickle(byte[] data, int step) {
      this.data = data;
      this.step = step;
    }

    @Override
    public int read() {
      return pos < data.length ? data[pos++] & 0xff : -1;
    }

    @Override
    public int read(byte[] b, int off, int len) {
      if (pos >= data.length) {
        return -1;
      }
      int n = Math.min(Math.min(len, step), data.length - pos);
      System.arraycopy(data, pos, b, off, n);
      pos += n;
      return n;
    }
  }

  private interface Op {
    String apply(RespPipe p, boolean fast) throws IOException;
  }

  private static Op bulk(long max) {
    return (p, fast) -> {
      byte[] b = fast ? p.bulk(max) : p.readBulk(max);
      return b == null ? "error " + p.lastError : "bulk " + new String(b, StandardCharsets.ISO_8859_1);
    };
  }

  private static final Op INTEGER = (p, fast) -> {
    long v = fast ? p.integer() : p.readInteger();
    return v == Long.MIN_VALUE ? "error " + p.lastError : "integer " + v;
  };

  /** What each op answers in turn, and the failure that ends them (its class and message), if any. */
  private static List<String> run(String replies, int step, boolean fast, List<Op> ops) {
    RespPipe p = RespPipe.over(new Trickle(replies.getBytes(StandardCharsets.ISO_8859_1), step),
        new ByteArrayOutputStream());
    List<String> out = new ArrayList<>();
    for (Op op : ops) {
      try {
        out.add(op.apply(p, fast));
      } catch (IOException | RuntimeException e) {
        out.add(e.getClass().getSimpleName() + ": " + e.getMessage());
        break;
      }
    }
    return out;
  }

  private static void assertSameAsGeneralPath(String replies, List<Op> ops) {
    List<String> general = run(replies, 1 << 20, false, ops);
    for (int step : new int[] {1, 2, 3, 5, 7, 11, 64, 1 << 20}) {
      assertEquals(general, run(replies, step, true, ops), "replies " + replies.replace("\r\n", "|")
          + " read " + step + " bytes at a time");
      assertEquals(general, run(replies, step, false, ops), "the general path itself, " + step + " at a time");
    }
  }

  @Test
  void fetchShapedRepliesReadTheSameWhateverTheSplit() {
    String replies = "$3\r\nabc\r\n:-1\r\n$-1\r\n:-2\r\n-WRONGTYPE no\r\n:1500\r\n$0\r\n\r\n:-1\r\n"
        + "$6\r\nhello\n\r\n:123456789012345678\r\n$5\r\nab\r\nc\r\n-ERR x\r\n$012\r\n012345678901\r\n:0\r\n"
        + "$8\r\n\u00ff\u0080\r\n\u0000\r\n\u00ff\r\n:-123456789012345678\r\n";
    List<Op> ops = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      ops.add(bulk(12));
      ops.add(INTEGER);
    }
    List<String> general = run(replies, 1 << 20, false, ops);
    assertEquals(List.of("bulk abc", "integer -1", "bulk ", "integer -2", "error WRONGTYPE no", "integer 1500",
        "bulk ", "integer -1", "bulk hello\n", "integer 123456789012345678", "bulk ab\r\nc", "error ERR x",
        "bulk 012345678901", "integer 0", "bulk \u00ff\u0080\r\n\u0000\r\n\u00ff",
        "integer -123456789012345678"), general);
    assertSameAsGeneralPath(replies, ops);
  }

  @Test
  void badRepliesFailTheSameWayWithTheSameMessage() {
    String[] bad = {
        "$12a\r\n", "$3\r\nabcX\n", "$3\r\nabc\rX", "$\r\n", "$-\r\n", "$-3\r\n", "$13\r\n0123456789abc\r\n",
        "$1234567890\r\n", "$999999999\r\n", "$3\r\nab", "$3\r", "$", "", "+OK\r\n", ":5\r\n", "*1\r\n",
        "$3\n\rabc\r\n", "$3\r\n\r\n\r\n\r\n"};
    for (String b : bad) {
      assertSameAsGeneralPath(b, List.of(bulk(12), INTEGER));
      assertSameAsGeneralPath(":1\r\n" + b, List.of(INTEGER, bulk(12), INTEGER)); // with bytes already buffered
    }
    String[] badIntegers = {
        ":12a\r\n", ":1234567890123456789\r\n", ":-\r\n", ":\r\n", ":--1\r\n", ":1\rX", ":1\r", ":1", ":", "",
        "$1\r\na\r\n", "+OK\r\n", ":+1\r\n", ": 1\r\n", ":-1234567890123456789\r\n", ":12\n\r\n"};
    for (String b : badIntegers) {
      assertSameAsGeneralPath(b, List.of(INTEGER, bulk(12)));
      assertSameAsGeneralPath("$1\r\nx\r\n" + b, List.of(bulk(12), INTEGER, bulk(12)));
    }
  }

  @Test
  void randomReplyStreamsReadTheSame() {
    Random random = new Random(20261122);
    String[] parts = {"$", ":", "-", "+", "\r", "\n", "\r\n", "0", "1", "9", "12", "-1", "abc", "\u00e9", "x"};
    for (int round = 0; round < 3000; round++) {
      StringBuilder b = new StringBuilder();
      int n = 1 + random.nextInt(12);
      for (int i = 0; i < n; i++) {
        if (random.nextInt(3) == 0) { // a well-formed reply now and then, so that reading goes on past it
          if (random.nextBoolean()) {
            String body = "ab\r\ncd".substring(0, random.nextInt(7));
            b.append('$').append(body.length()).append("\r\n").append(body).append("\r\n");
          } else {
            b.append(':').append(random.nextInt(2000) - 1000).append("\r\n");
          }
        } else {
          b.append(parts[random.nextInt(parts.length)]);
        }
      }
      List<Op> ops = new ArrayList<>();
      for (int i = 0; i < 6; i++) {
        ops.add(random.nextBoolean() ? bulk(random.nextInt(8)) : INTEGER);
      }
      assertSameAsGeneralPath(b.toString(), ops);
    }
  }

  @Test
  void getrangeAndPttlSendsWhatTheTwoGeneralCommandsSend() throws IOException {
    List<Integer> lengths = new ArrayList<>();
    for (int n = 0; n <= 1100; n = n == 200 ? 990 : n + 1) {
      lengths.add(n);
    }
    lengths.addAll(List.of(9_999, 10_000, 12_345, 99_999, 100_000));
    for (long probe : new long[] {0, 7, 10, 8_388, 16_777_216, 536_870_912L}) {
      ByteArrayOutputStream fast = new ByteArrayOutputStream();
      ByteArrayOutputStream general = new ByteArrayOutputStream();
      RespPipe f = RespPipe.over(new ByteArrayInputStream(new byte[0]), fast);
      RespPipe g = RespPipe.over(new ByteArrayInputStream(new byte[0]), general);
      byte[] middle = RespPipe.getrangeAndPttlMiddle(probe);
      byte[] zero = "0".getBytes(StandardCharsets.US_ASCII);
      byte[] last = Long.toString(probe).getBytes(StandardCharsets.US_ASCII);
      for (int n : lengths) {
        byte[] key = new byte[n];
        Arrays.fill(key, (byte) ('a' + n % 26));
        f.getrangeAndPttl(key, middle);
        g.command("GETRANGE".getBytes(StandardCharsets.US_ASCII), key, zero, last);
        g.command("PTTL".getBytes(StandardCharsets.US_ASCII), key);
      }
      f.flush();
      g.flush();
      assertEquals(new String(general.toByteArray(), StandardCharsets.ISO_8859_1),
          new String(fast.toByteArray(), StandardCharsets.ISO_8859_1), "probe " + probe);
    }
    ByteArrayOutputStream one = new ByteArrayOutputStream();
    RespPipe p = RespPipe.over(new ByteArrayInputStream(new byte[0]), one);
    p.getrangeAndPttl("app:3:user:17".getBytes(StandardCharsets.US_ASCII), RespPipe.getrangeAndPttlMiddle(8388));
    p.flush();
    assertEquals("*4\r\n$8\r\nGETRANGE\r\n$13\r\napp:3:user:17\r\n$1\r\n0\r\n$4\r\n8388\r\n"
        + "*2\r\n$4\r\nPTTL\r\n$13\r\napp:3:user:17\r\n", one.toString(StandardCharsets.ISO_8859_1));
  }
}
