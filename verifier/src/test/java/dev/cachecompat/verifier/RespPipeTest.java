package dev.cachecompat.verifier;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** {@link RespPipe} against a fake server that answers canned bytes and records what it was sent. */
class RespPipeTest {
  /** Accepts one connection; per step reads that many bytes and answers that reply; then closes. */
  private static final class FakeServer implements AutoCloseable {
    final ServerSocket server;
    final CompletableFuture<byte[]> received = new CompletableFuture<>();

    FakeServer(int requestBytes, String reply) throws IOException {
      this(new int[] {requestBytes}, new String[] {reply});
    }

    FakeServer(int[] requestBytes, String[] replies) throws IOException {
      server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
      Thread t = new Thread(() -> {
        try (Socket s = server.accept()) {
          InputStream in = s.getInputStream();
          OutputStream out = s.getOutputStream();
          ByteArrayOutputStream got = new ByteArrayOutputStream();
          int want = 0;
          for (int step = 0; step < replies.length; step++) {
            want += requestBytes[step];
            while (got.size() < want) {
              int b = in.read();
              if (b < 0) {
                break;
              }
              got.write(b);
            }
            out.write(replies[step].getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
          }
          received.complete(got.toByteArray());
        } catch (IOException e) {
          received.completeExceptionally(e);
        }
      });
      t.setDaemon(true);
      t.start();
    }

    RespPipe connect() throws IOException {
      return RespPipe.connect("127.0.0.1", server.getLocalPort(), null, null, 0, Duration.ofSeconds(5));
    }

    String request() throws Exception {
      return new String(received.get(), StandardCharsets.ISO_8859_1);
    }

    @Override
    public void close() throws IOException {
      server.close();
    }
  }

  private static final String GETRANGE_K = "*4\r\n$8\r\nGETRANGE\r\n$1\r\nk\r\n$1\r\n0\r\n$1\r\n5\r\n";
  private static final String PTTL_K = "*2\r\n$4\r\nPTTL\r\n$1\r\nk\r\n";

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  private static void sendFetchOfK(RespPipe p) {
    p.command(ascii("GETRANGE"), ascii("k"), ascii("0"), ascii("5"));
    p.command(ascii("PTTL"), ascii("k"));
  }

  @Test
  void writesCommandsAsRespAndReadsBulkNilErrorAndIntegerReplies() throws Exception {
    String request = GETRANGE_K + PTTL_K;
    try (FakeServer f = new FakeServer(request.length(), "$3\r\nabc\r\n:-1\r\n$-1\r\n-WRONGTYPE no\r\n:1500\r\n-ERR x\r\n");
        RespPipe p = f.connect()) {
      sendFetchOfK(p);
      p.flush();
      assertEquals(request, f.request());
      assertArrayEquals("abc".getBytes(StandardCharsets.US_ASCII), p.readBulk(6));
      assertEquals(-1, p.readInteger());
      assertEquals(0, p.readBulk(6).length, "nil reads as empty");
      assertNull(p.readBulk(6), "an error reply");
      assertEquals("WRONGTYPE no", p.lastError);
      assertEquals(1500, p.readInteger());
      assertEquals(Long.MIN_VALUE, p.readInteger());
      assertEquals("ERR x", p.lastError);
    }
  }

  @Test
  void rejectsABulkReplyLongerThanAskedForBeforeReadingIt() throws Exception {
    try (FakeServer f = new FakeServer(0, "$2147483647\r\n"); RespPipe p = f.connect()) {
      IOException e = assertThrows(IOException.class, () -> p.readBulk(6));
      assertEquals("bulk reply of 2147483647 bytes where at most 6 were asked for", e.getMessage());
    }
  }

  @Test
  void rejectsAReplyOfAnotherKindAndBadNumbers() throws Exception {
    try (FakeServer f = new FakeServer(0, "+OK\r\n:12a\r\n"); RespPipe p = f.connect()) {
      IOException e = assertThrows(IOException.class, () -> p.readBulk(6));
      assertEquals("unexpected reply type '+' where a bulk string was expected", e.getMessage());
    }
    try (FakeServer f = new FakeServer(0, ":12a\r\n"); RespPipe p = f.connect()) {
      IOException e = assertThrows(IOException.class, p::readInteger);
      assertEquals("bad number in reply (byte 97 after 2 digits)", e.getMessage());
    }
    try (FakeServer f = new FakeServer(0, ":1234567890123456789\r\n"); RespPipe p = f.connect()) {
      assertThrows(IOException.class, p::readInteger, "19 digits could overflow");
    }
  }

  @Test
  void aConnectionClosedMidReplyIsAnError() throws Exception {
    try (FakeServer f = new FakeServer(0, "$10\r\nabc"); RespPipe p = f.connect()) {
      IOException e = assertThrows(IOException.class, () -> p.readBulk(10));
      assertTrue(e.getMessage().contains("closed"), e.getMessage());
    }
  }

  @Test
  void authAndSelectGoFirstAndARefusalSaysWhy() throws Exception {
    String auth = "*3\r\n$4\r\nAUTH\r\n$1\r\nu\r\n$2\r\npw\r\n";
    String select = "*2\r\n$6\r\nSELECT\r\n$1\r\n3\r\n";
    try (FakeServer f = new FakeServer(new int[] {auth.length(), select.length()}, new String[] {"+OK\r\n", "+OK\r\n"});
        RespPipe p = RespPipe.connect("127.0.0.1", f.server.getLocalPort(), "u", "pw", 3, Duration.ofSeconds(5))) {
      assertEquals(auth + select, f.request());
      assertThrows(IOException.class, () -> p.readInteger(), "nothing more: the server closed");
    }
    String authOnly = "*2\r\n$4\r\nAUTH\r\n$2\r\npw\r\n";
    try (FakeServer f = new FakeServer(authOnly.length(), "-WRONGPASS invalid username-password pair\r\n")) {
      IOException e = assertThrows(IOException.class,
          () -> RespPipe.connect("127.0.0.1", f.server.getLocalPort(), null, "pw", 0, Duration.ofSeconds(5)));
      assertEquals("AUTH refused: WRONGPASS invalid username-password pair", e.getMessage());
    }
  }

  @Test
  void keyLengthsOfEveryWidthAreWrittenInDecimal() throws Exception {
    List<Integer> lengths = new java.util.ArrayList<>();
    for (int n = 0; n <= 1100; n = n == 200 ? 990 : n + 1) {
      lengths.add(n);
    }
    lengths.addAll(List.of(9_999, 10_000, 12_345, 99_999));
    StringBuilder expected = new StringBuilder();
    for (int n : lengths) {
      expected.append("*2\r\n$4\r\nPTTL\r\n$").append(n).append("\r\n").append("k".repeat(n)).append("\r\n");
    }
    try (FakeServer f = new FakeServer(expected.length(), ":-2\r\n"); RespPipe p = f.connect()) {
      for (int n : lengths) {
        byte[] key = new byte[n];
        java.util.Arrays.fill(key, (byte) 'k');
        p.command(ascii("PTTL"), key);
      }
      p.flush();
      assertEquals(expected.toString(), f.request());
      assertEquals(-2, p.readInteger());
    }
  }

  @Test
  void aBatchOfLongKeysGrowsTheWriteBuffer() throws Exception {
    byte[] key = new byte[100_000];
    java.util.Arrays.fill(key, (byte) 'x');
    String expected = "*2\r\n$4\r\nPTTL\r\n$100000\r\n" + "x".repeat(100_000) + "\r\n";
    try (FakeServer f = new FakeServer(expected.length(), ":-2\r\n"); RespPipe p = f.connect()) {
      p.command(ascii("PTTL"), key);
      p.flush();
      assertEquals(expected, f.request());
      assertEquals(-2, p.readInteger());
    }
  }

  @Test
  void aGetLongerThanAskedForIsReadPastAndTheNextReplyStillReads() throws Exception {
    String big = "x".repeat(200_000);
    try (FakeServer f = new FakeServer(0, "$200000\r\n" + big + "\r\n$-1\r\n$2\r\nok\r\n-ERR gone\r\n:7\r\n");
        RespPipe p = f.connect()) {
      assertTrue(p.readBulkOrSkip(100) == RespPipe.SKIPPED);
      assertEquals(200_000, p.skippedLength);
      assertTrue(p.readBulkOrSkip(100) == RespPipe.NIL);
      assertArrayEquals("ok".getBytes(StandardCharsets.US_ASCII), p.readBulkOrSkip(2));
      assertNull(p.readBulkOrSkip(2));
      assertEquals("ERR gone", p.lastError);
      assertEquals(7, p.readInteger());
    }
  }

  @Test
  void readsScanShapedArraysAndTypeAnswersAndBoundsArrayCounts() throws Exception {
    try (FakeServer f = new FakeServer(0, "*2\r\n$2\r\n17\r\n*1\r\n$1\r\nk\r\n+list\r\n-NOPERM no\r\n*5\r\n");
        RespPipe p = f.connect()) {
      assertEquals(2, p.readArray(2));
      assertArrayEquals("17".getBytes(StandardCharsets.US_ASCII), p.readBulk(20));
      assertEquals(1, p.readArray(10));
      assertArrayEquals(new byte[] {'k'}, p.readBulk(10));
      assertEquals("list", p.readSimple());
      assertNull(p.readSimple());
      assertEquals("NOPERM no", p.lastError);
      IOException e = assertThrows(IOException.class, () -> p.readArray(4));
      assertEquals("array reply of 5 elements where at most 4 were expected", e.getMessage());
    }
  }
}
