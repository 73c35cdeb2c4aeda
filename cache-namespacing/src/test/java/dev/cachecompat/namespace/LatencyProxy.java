package dev.cachecompat.namespace;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.DelayQueue;
import java.util.concurrent.Delayed;
import java.util.concurrent.TimeUnit;

/**
 * A TCP proxy on a free loopback port in front of a real server that holds every chunk of bytes, in each
 * direction, for a fixed delay before passing it on: a round trip then costs at least twice the delay, so a test
 * can count round trips by the clock. Chunks keep their order and are not held back by one another (each is due
 * at its arrival time plus the delay), so pipelined requests cost one delay, not one each.
 */
final class LatencyProxy implements AutoCloseable {
  private final ServerSocket listener;
  private final InetSocketAddress upstream;
  private final long delayNanos;
  private final List<Socket> sockets = new CopyOnWriteArrayList<>();
  private final Thread acceptor;
  private volatile boolean closed;

  LatencyProxy(String host, int port, long delayMillis) {
    this.upstream = new InetSocketAddress(host, port);
    this.delayNanos = TimeUnit.MILLISECONDS.toNanos(delayMillis);
    try {
      listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    acceptor = new Thread(this::accept, "latency-proxy-accept");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  int port() {
    return listener.getLocalPort();
  }

  String address() {
    return "127.0.0.1:" + port();
  }

  private void accept() {
    while (!closed) {
      try {
        Socket client = listener.accept();
        Socket server = new Socket();
        server.connect(upstream, 2_000);
        client.setTcpNoDelay(true);
        server.setTcpNoDelay(true);
        sockets.add(client);
        sockets.add(server);
        pump(client, server);
        pump(server, client);
      } catch (IOException e) {
        if (!closed) {
          continue;
        }
        return;
      }
    }
  }

  /** One thread reads chunks and stamps them; another writes each when it is due. */
  private void pump(Socket from, Socket to) throws IOException {
    InputStream in = from.getInputStream();
    OutputStream out = to.getOutputStream();
    DelayQueue<Chunk> queue = new DelayQueue<>();
    Thread reader = new Thread(() -> {
      byte[] buf = new byte[64 * 1024];
      try {
        int n;
        while ((n = in.read(buf)) > 0) {
          queue.add(new Chunk(System.nanoTime() + delayNanos, Arrays.copyOf(buf, n)));
        }
      } catch (IOException e) {
        // the other side closed
      }
      queue.add(new Chunk(System.nanoTime() + delayNanos, null));
    }, "latency-proxy-read");
    Thread writer = new Thread(() -> {
      try {
        while (true) {
          Chunk c = queue.take();
          if (c.data == null) {
            to.shutdownOutput();
            return;
          }
          out.write(c.data);
          out.flush();
        }
      } catch (IOException | InterruptedException e) {
        closeQuietly(from);
        closeQuietly(to);
      }
    }, "latency-proxy-write");
    reader.setDaemon(true);
    writer.setDaemon(true);
    reader.start();
    writer.start();
  }

  private static void closeQuietly(Socket s) {
    try {
      s.close();
    } catch (IOException ignored) {
      // closing anyway
    }
  }

  @Override
  public void close() {
    closed = true;
    try {
      listener.close();
    } catch (IOException ignored) {
      // closing anyway
    }
    for (Socket s : sockets) {
      closeQuietly(s);
    }
  }

  /** Bytes due at a time; a null payload marks the end of the stream. Same-time chunks keep arrival order. */
  private static final class Chunk implements Delayed {
    private static final java.util.concurrent.atomic.AtomicLong SEQ = new java.util.concurrent.atomic.AtomicLong();
    final long due;
    final long seq = SEQ.incrementAndGet();
    final byte[] data;

    Chunk(long due, byte[] data) {
      this.due = due;
      this.data = data;
    }

    @Override
    public long getDelay(TimeUnit unit) {
      return unit.convert(due - System.nanoTime(), TimeUnit.NANOSECONDS);
    }

    @Override
    public int compareTo(Delayed o) {
      Chunk c = (Chunk) o;
      int byDue = Long.compare(due, c.due);
      return byDue != 0 ? byDue : Long.compare(seq, c.seq);
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Chunk && ((Chunk) o).seq == seq;
    }

    @Override
    public int hashCode() {
      return Long.hashCode(seq);
    }
  }
}
