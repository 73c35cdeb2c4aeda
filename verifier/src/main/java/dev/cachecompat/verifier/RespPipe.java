package dev.cachecompat.verifier;

import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * A plain RESP2 connection to one Redis server for the scan's per-key reads: the commands of a batch are written
 * into one buffer and sent with one write, and their replies are parsed on the caller's thread straight into the
 * caller's arrays. No future, no reply object per command: Lettuce costs about 2 us of CPU a command for those,
 * more than the server spends on the command (docs/performance.md).
 *
 * <p>Replies are checked against what was asked: a bulk reply longer than its caller allows, or a reply of an
 * unexpected kind, is an {@link IOException} (the connection cannot be trusted any more). Not thread-safe: one
 * scan thread uses it.
 */
final class RespPipe implements Closeable {
  private final Socket socket;
  private final InputStream in;
  private final OutputStream out;
  private byte[] wbuf = new byte[16 << 10];
  private int wlen;
  private final byte[] rbuf = new byte[64 << 10];
  private int rpos;
  private int rlen;
  private byte[] line = new byte[128];
  /** What {@link #readBulkOrSkip} answers for a nil reply. */
  static final byte[] NIL = new byte[0];
  /** What {@link #readBulkOrSkip} answers for a bulk string longer than asked for (read past, not kept). */
  static final byte[] SKIPPED = new byte[0];

  /** The text of the last error reply read. */
  String lastError;
  /** The length of the last bulk string {@link #readBulkOrSkip} read past. */
  long skippedLength;

  private RespPipe(Socket socket) throws IOException {
    this.socket = socket;
    this.in = socket.getInputStream();
    this.out = socket.getOutputStream();
  }

  private RespPipe(InputStream in, OutputStream out) {
    this.socket = null;
    this.in = in;
    this.out = out;
  }

  /** A pipe over streams instead of a socket (for tests: replies that arrive a few bytes at a time). */
  static RespPipe over(InputStream in, OutputStream out) {
    return new RespPipe(in, out);
  }

  /**
   * Connects, authenticates ({@code user} may be null for the default user; no AUTH without a password) and
   * selects {@code database}; {@code timeout} bounds the connect and every read.
   *
   * @throws IOException when the server cannot be reached or refuses AUTH or SELECT
   */
  static RespPipe connect(String host, int port, String user, String password, int database, Duration timeout)
      throws IOException {
    Socket s = new Socket();
    try {
      int millis = (int) Math.min(Integer.MAX_VALUE, Math.max(1, timeout.toMillis()));
      s.connect(new InetSocketAddress(host, port), millis);
      s.setSoTimeout(millis);
      s.setTcpNoDelay(true);
      RespPipe p = new RespPipe(s);
      if (password != null) {
        if (user != null) {
          p.command(ascii("AUTH"), utf8(user), utf8(password));
        } else {
          p.command(ascii("AUTH"), utf8(password));
        }
        p.flush();
        p.expectOk("AUTH");
      }
      if (database != 0) {
        p.command(ascii("SELECT"), ascii(Integer.toString(database)));
        p.flush();
        p.expectOk("SELECT");
      }
      return p;
    } catch (IOException | RuntimeException e) {
      s.close();
      throw e;
    }
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private void expectOk(String what) throws IOException {
    int t = readByte();
    String line = new String(readLine(), StandardCharsets.UTF_8);
    if (t != '+') {
      throw new IOException(what + " refused: " + line);
    }
  }

  /** Buffers one command of bulk-string arguments. */
  void command(byte[]... args) {
    reserve(16);
    wbuf[wlen++] = '*';
    writeDecimal(args.length);
    wbuf[wlen++] = '\r';
    wbuf[wlen++] = '\n';
    for (byte[] a : args) {
      reserve(a.length + 16);
      wbuf[wlen++] = '$';
      writeDecimal(a.length);
      wbuf[wlen++] = '\r';
      wbuf[wlen++] = '\n';
      System.arraycopy(a, 0, wbuf, wlen, a.length);
      wlen += a.length;
      wbuf[wlen++] = '\r';
      wbuf[wlen++] = '\n';
    }
  }

  /** {@code *4\r\n$8\r\nGETRANGE\r\n$}: the start of a GETRANGE command, up to its key's length. */
  private static final byte[] GETRANGE_HEAD = "*4\r\n$8\r\nGETRANGE\r\n$".getBytes(StandardCharsets.US_ASCII);

  /**
   * The middle part {@link #getrangeAndPttl} takes: what follows a GETRANGE's key ({@code 0} and {@code probe} as
   * bulk strings), then a PTTL command up to its key's length.
   */
  static byte[] getrangeAndPttlMiddle(long probe) {
    String p = Long.toString(probe);
    return ("\r\n$1\r\n0\r\n$" + p.length() + "\r\n" + p + "\r\n*2\r\n$4\r\nPTTL\r\n$")
        .getBytes(StandardCharsets.US_ASCII);
  }

  /**
   * Buffers {@code GETRANGE key 0 probe} and {@code PTTL key}, {@code middle} being {@link #getrangeAndPttlMiddle}
   * of the probe: one call and four copies per key (the scan's per-key commands) instead of two calls of three.
   */
  void getrangeAndPttl(byte[] key, byte[] middle) {
    int k = key.length;
    reserve(2 * k + middle.length + GETRANGE_HEAD.length + 32);
    byte[] w = wbuf;
    System.arraycopy(GETRANGE_HEAD, 0, w, wlen, GETRANGE_HEAD.length);
    wlen += GETRANGE_HEAD.length;
    int lenStart = wlen;
    writeDecimal(k);
    int lenDigits = wlen - lenStart;
    int p = wlen;
    w[p++] = '\r';
    w[p++] = '\n';
    System.arraycopy(key, 0, w, p, k);
    p += k;
    System.arraycopy(middle, 0, w, p, middle.length);
    p += middle.length;
    for (int i = 0; i < lenDigits; i++) { // the key's length again
      w[p++] = w[lenStart + i];
    }
    w[p++] = '\r';
    w[p++] = '\n';
    System.arraycopy(key, 0, w, p, k);
    p += k;
    w[p++] = '\r';
    w[p++] = '\n';
    wlen = p;
  }

  /**
   * Writes a length (not negative) in decimal. No division below 100 (the key lengths of a scan): C1, which runs
   * the scan, compiles each division to a divide instruction, and the long form to a runtime call.
   */
  private void writeDecimal(int v) {
    if (v < 10) {
      wbuf[wlen++] = (byte) ('0' + v);
      return;
    }
    if (v < 100) {
      int tens = (v * 205) >>> 11; // v / 10 for every v below 1029
      wbuf[wlen++] = (byte) ('0' + tens);
      wbuf[wlen++] = (byte) ('0' + v - 10 * tens);
      return;
    }
    int digits = 3;
    for (int t = v / 1000; t > 0; t /= 10) {
      digits++;
    }
    int end = wlen + digits;
    for (int q = end - 1; q >= wlen; q--) {
      wbuf[q] = (byte) ('0' + v % 10);
      v /= 10;
    }
    wlen = end;
  }

  private void reserve(int n) {
    if (wlen + n > wbuf.length) {
      wbuf = java.util.Arrays.copyOf(wbuf, Math.max(wbuf.length * 2, wlen + n));
    }
  }

  /** Sends every buffered command; the buffer shrinks back after a batch of large keys. */
  void flush() throws IOException {
    out.write(wbuf, 0, wlen);
    out.flush();
    wlen = 0;
    if (wbuf.length > (1 << 20)) {
      wbuf = new byte[16 << 10];
    }
  }

  /**
   * The next reply, a bulk string of at most {@code max} bytes: its bytes, an empty array for a nil reply, or null
   * for an error reply (its text in {@link #lastError}).
   *
   * @throws IOException when the connection fails or the reply is of another kind or longer than {@code max}
   */
  byte[] readBulk(long max) throws IOException {
    long len = readBulkHeader();
    if (len == ERROR_REPLY) {
      return null;
    }
    if (len == -1) {
      return new byte[0];
    }
    if (len > max) {
      throw new IOException("bulk reply of " + len + " bytes where at most " + max + " were asked for");
    }
    return readBulkBody((int) len);
  }

  /**
   * {@link #readBulk}: the same answers and the same failures, in one call for the scan's common reply (a bulk
   * string of at most {@code max} bytes already whole in the buffer, at most 9 digits of length); any other reply
   * is left, unread, to {@link #readBulk}.
   *
   * @throws IOException as {@link #readBulk} does
   */
  byte[] bulk(long max) throws IOException {
    if (rpos == rlen) {
      fill(); // as readBulk would first
    }
    byte[] r = rbuf;
    int p = rpos;
    int lim = rlen;
    if (p < lim && r[p] == '$') {
      int q = p + 1;
      int end = Math.min(lim, q + 9);
      int len = 0;
      while (q < end) {
        int d = r[q] - '0';
        if (d < 0 || d > 9) {
          break;
        }
        len = len * 10 + d;
        q++;
      }
      int body = q + 2;
      if (q > p + 1 && body <= lim && r[q] == '\r' && r[q + 1] == '\n' && len <= max
          && lim - body >= len + 2 && r[body + len] == '\r' && r[body + len + 1] == '\n') {
        byte[] b = new byte[len];
        System.arraycopy(r, body, b, 0, len);
        rpos = body + len + 2;
        return b;
      }
    }
    return readBulk(max);
  }

  /**
   * {@link #readInteger}: the same answers and the same failures, in one call when the reply is an integer already
   * whole in the buffer; any other reply is left, unread, to {@link #readInteger}.
   *
   * @throws IOException as {@link #readInteger} does
   */
  long integer() throws IOException {
    if (rpos == rlen) {
      fill(); // as readInteger would first
    }
    byte[] r = rbuf;
    int p = rpos;
    int lim = rlen;
    if (lim - p >= 4 && r[p] == ':') {
      int q = p + 1;
      boolean negative = r[q] == '-';
      if (negative) {
        q++;
      }
      int start = q;
      int end = Math.min(lim, start + 18);
      long v = 0;
      while (q < end) {
        int d = r[q] - '0';
        if (d < 0 || d > 9) {
          break;
        }
        v = v * 10 + d;
        q++;
      }
      if (q > start && q + 2 <= lim && r[q] == '\r' && r[q + 1] == '\n') {
        rpos = q + 2;
        return negative ? -v : v;
      }
    }
    return readInteger();
  }

  /** What {@link #readBulkHeader()} answers for an error reply. */
  private static final long ERROR_REPLY = -2;

  /**
   * A bulk string's header: its length, -1 for nil, or {@link #ERROR_REPLY} for an error reply (its text then in
   * {@link #lastError}).
   *
   * @throws IOException when the connection fails, the reply is of another kind or the length is below -1
   */
  private long readBulkHeader() throws IOException {
    int t = readByte();
    if (t == '-') {
      lastError = new String(readLine(), StandardCharsets.UTF_8);
      return ERROR_REPLY;
    }
    if (t != '$') {
      throw unexpected(t, "a bulk string");
    }
    long len = readNumber();
    if (len < -1) {
      throw new IOException("bulk reply of " + len + " bytes");
    }
    return len;
  }

  private byte[] readBulkBody(int len) throws IOException {
    byte[] b = new byte[len];
    int done = 0;
    while (done < len) {
      if (rpos == rlen) {
        if (len - done >= rbuf.length) { // large value: straight into its array
          int r = in.read(b, done, len - done);
          if (r < 0) {
            throw new EOFException("connection closed");
          }
          done += r;
          continue;
        }
        fill();
      }
      int k = Math.min(len - done, rlen - rpos);
      System.arraycopy(rbuf, rpos, b, done, k);
      rpos += k;
      done += k;
    }
    if (readByte() != '\r' || readByte() != '\n') {
      throw new IOException("bulk reply not followed by CRLF");
    }
    return b;
  }

  /**
   * The next reply, a bulk string: its bytes when at most {@code max}; {@link #SKIPPED} when longer (its bytes are
   * read and dropped, {@link #skippedLength} says how many); {@link #NIL} for nil; null for an error reply (its
   * text in {@link #lastError}).
   *
   * @throws IOException when the connection fails or the reply is of another kind
   */
  byte[] readBulkOrSkip(long max) throws IOException {
    long len = readBulkHeader();
    if (len == ERROR_REPLY) {
      return null;
    }
    if (len == -1) {
      return NIL;
    }
    if (len > max) {
      for (long left = len + 2; left > 0; ) { // the bytes and their CRLF
        if (rpos == rlen) {
          fill();
        }
        int k = (int) Math.min(left, rlen - rpos);
        rpos += k;
        left -= k;
      }
      skippedLength = len;
      return SKIPPED;
    }
    return readBulkBody((int) len);
  }

  /**
   * The next reply, an array header: its element count (at most {@code max}); -1 for an error reply (its text in
   * {@link #lastError}).
   *
   * @throws IOException when the connection fails, the reply is of another kind or the count is over {@code max}
   */
  int readArray(int max) throws IOException {
    int t = readByte();
    if (t == '-') {
      lastError = new String(readLine(), StandardCharsets.UTF_8);
      return -1;
    }
    if (t != '*') {
      throw unexpected(t, "an array");
    }
    long n = readNumber();
    if (n < 0 || n > max) {
      throw new IOException("array reply of " + n + " elements where at most " + max + " were expected");
    }
    return (int) n;
  }

  /**
   * The next reply, a simple string (as TYPE answers): its text; null for an error reply (its text in
   * {@link #lastError}).
   *
   * @throws IOException when the connection fails or the reply is of another kind
   */
  String readSimple() throws IOException {
    int t = readByte();
    String line = new String(readLine(), StandardCharsets.UTF_8);
    if (t == '-') {
      lastError = line;
      return null;
    }
    if (t != '+') {
      throw unexpected(t, "a simple string");
    }
    return line;
  }

  /**
   * The next reply, an integer; {@link Long#MIN_VALUE} for an error reply (its text in {@link #lastError}).
   *
   * @throws IOException when the connection fails or the reply is of another kind
   */
  long readInteger() throws IOException {
    int t = readByte();
    if (t == '-') {
      lastError = new String(readLine(), StandardCharsets.UTF_8);
      return Long.MIN_VALUE;
    }
    if (t != ':') {
      throw unexpected(t, "an integer");
    }
    return readNumber();
  }

  private static IOException unexpected(int type, String wanted) {
    return new IOException("unexpected reply type '" + (char) type + "' where " + wanted + " was expected");
  }

  /** A number line: an optional minus, 1 to 18 digits, CRLF. */
  private long readNumber() throws IOException {
    int c = readByte();
    boolean negative = c == '-';
    if (negative) {
      c = readByte();
    }
    long v = 0;
    int digits = 0;
    while (c != '\r') {
      int d = c - '0';
      if (d < 0 || d > 9 || ++digits > 18) {
        throw new IOException("bad number in reply (byte " + c + " after " + digits + " digits)");
      }
      v = v * 10 + d;
      c = readByte();
    }
    if (digits == 0 || readByte() != '\n') {
      throw new IOException("bad number in reply: no digits or no LF after CR");
    }
    return negative ? -v : v;
  }

  /** The bytes up to CRLF, at most 64 KiB (the longest line a server sends here is an error message). */
  private byte[] readLine() throws IOException {
    int n = 0;
    while (true) {
      int c = readByte();
      if (c == '\r') {
        if (readByte() != '\n') {
          throw new IOException("CR not followed by LF in a reply line");
        }
        return java.util.Arrays.copyOf(line, n);
      }
      if (n == line.length) {
        if (n >= (64 << 10)) {
          throw new IOException("reply line longer than 64 KiB");
        }
        line = java.util.Arrays.copyOf(line, n * 2);
      }
      line[n++] = (byte) c;
    }
  }

  private int readByte() throws IOException {
    if (rpos == rlen) {
      fill();
    }
    return rbuf[rpos++] & 0xff;
  }

  private void fill() throws IOException {
    int r = in.read(rbuf, 0, rbuf.length);
    if (r < 0) {
      throw new EOFException("connection closed by the server");
    }
    rpos = 0;
    rlen = r;
  }

  @Override
  public void close() {
    try {
      if (socket != null) {
        socket.close();
      }
    } catch (IOException e) {
      // closing: nothing left to do
    }
  }
}
