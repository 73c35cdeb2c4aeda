package dev.cachecompat.verifier;

import java.io.IOException;
import java.io.InputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The source argument of {@code cachecompat scan}, parsed. Forms:
 * <ul>
 *   <li>{@code redis://[[USER]:PASSWORD@]HOST[:PORT][/DB]}: a live Redis (port 6379, database 0 by default);</li>
 *   <li>{@code redis-cluster://HOST:PORT[,HOST:PORT...]}: a live Redis Cluster, any reachable nodes as seeds;</li>
 *   <li>{@code memcached://HOST[:PORT][,HOST[:PORT]...]}: live memcached servers (port 11211 by default), each
 *       in turn;</li>
 *   <li>a file named {@code *.rdb}, or any file starting with the RDB magic {@code REDIS0nnn}: an RDB dump;</li>
 *   <li>a file named {@code *.mcdump}, or any file whose first line is {@code add KEY FLAGS EXPTIME BYTES}: the
 *       output of {@code memcached-tool HOST:PORT dump};</li>
 *   <li>any other file or directory: single payloads as {@code inspect} reads them, one entry per file.</li>
 * </ul>
 * Hosts may be IPv6 literals in brackets. Immutable.
 */
final class SourceUri {
  static final String EXPECTED = "expected redis://HOST:PORT[/DB], redis-cluster://HOST:PORT[,HOST:PORT...],"
      + " memcached://HOST:PORT[,HOST:PORT...], an .rdb file, a memcached-tool dump, or files";
  private static final Pattern SCHEME = Pattern.compile("^([A-Za-z][A-Za-z0-9+.-]*)://");
  private static final Pattern DUMP_LINE = Pattern.compile("^add [^ \r\n]+ \\d+ -?\\d+ \\d+\r?\n", Pattern.DOTALL);
  private static final Pattern RDB_MAGIC = Pattern.compile("^REDIS\\d{4}", Pattern.DOTALL);

  /** What kind of source. */
  enum Kind { REDIS, REDIS_CLUSTER, MEMCACHED, RDB, MEMCACHED_DUMP, FILES }

  /** A server address. */
  record HostPort(String host, int port) {
    @Override
    public String toString() {
      return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }
  }

  private final Kind kind;
  private final List<HostPort> hosts;
  private final int database;
  private final String user;
  private final String password;
  private final Path path;

  private SourceUri(Kind kind, List<HostPort> hosts, int database, String user, String password, Path path) {
    this.kind = kind;
    this.hosts = List.copyOf(hosts);
    this.database = database;
    this.user = user;
    this.password = password;
    this.path = path;
  }

  Kind kind() {
    return kind;
  }

  /** The servers, empty for file sources. */
  List<HostPort> hosts() {
    return hosts;
  }

  /** The Redis database number (0 unless {@code /DB} was given). */
  int database() {
    return database;
  }

  /** The Redis ACL user, or null. */
  String user() {
    return user;
  }

  /** The Redis password, or null. Never part of {@link #toString()}. */
  String password() {
    return password;
  }

  /** The file or directory, null for live sources. */
  Path path() {
    return path;
  }

  /**
   * Parses a source argument.
   *
   * @throws SourceException with code {@code bad-source} and a message naming the problem
   */
  static SourceUri parse(String s) {
    if (s == null || s.isBlank()) {
      throw SourceException.badSource("\"" + (s == null ? "" : s) + "\"", "empty (" + EXPECTED + ")");
    }
    var m = SCHEME.matcher(s);
    if (!m.find()) {
      return file(s);
    }
    String scheme = m.group(1).toLowerCase(Locale.ROOT);
    String rest = s.substring(m.end());
    switch (scheme) {
      case "redis":
        return redis(s, rest);
      case "redis-cluster":
        return new SourceUri(Kind.REDIS_CLUSTER, hostList(s, rest, 6379, "redis-cluster://HOST:PORT[,HOST:PORT...]"),
            0, null, null, null);
      case "memcached":
        return new SourceUri(Kind.MEMCACHED, hostList(s, rest, 11211, "memcached://HOST:PORT[,HOST:PORT...]"),
            0, null, null, null);
      default:
        throw SourceException.badSource(s, "unknown scheme " + m.group(1) + " (" + EXPECTED + ")");
    }
  }

  private static SourceUri redis(String s, String rest) {
    String user = null;
    String password = null;
    int at = rest.lastIndexOf('@');
    if (at >= 0) {
      String info = rest.substring(0, at);
      rest = rest.substring(at + 1);
      int colon = info.indexOf(':');
      String u = colon < 0 ? "" : info.substring(0, colon);
      String p = colon < 0 ? info : info.substring(colon + 1);
      user = u.isEmpty() ? null : decode(s, u);
      password = p.isEmpty() ? null : decode(s, p);
    }
    int database = 0;
    int slash = rest.indexOf('/');
    if (slash >= 0) {
      String db = rest.substring(slash + 1);
      rest = rest.substring(0, slash);
      if (!db.isEmpty()) {
        database = number(db, 0, Integer.MAX_VALUE, () -> SourceException.badSource(s,
            "database " + db + " is not a number 0 or more"));
      }
    }
    if (rest.indexOf(',') >= 0) {
      throw SourceException.badSource(s, "one host only (use redis-cluster:// for a cluster)");
    }
    List<HostPort> hosts = hostList(s, rest, 6379, "redis://HOST:PORT[/DB]");
    return new SourceUri(Kind.REDIS, hosts, database, user, password, null);
  }

  private static String decode(String s, String part) {
    try {
      return URLDecoder.decode(part, StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw SourceException.badSource(s.replace(part, "***"), "bad %-escape in the user or password");
    }
  }

  private static List<HostPort> hostList(String s, String rest, int defaultPort, String form) {
    int slash = rest.indexOf('/');
    if (slash >= 0) {
      throw SourceException.badSource(s, "unexpected path " + rest.substring(slash) + " (expected " + form + ")");
    }
    if (rest.isEmpty()) {
      throw SourceException.badSource(s, "no host (expected " + form + ")");
    }
    List<HostPort> hosts = new ArrayList<>();
    for (String hp : rest.split(",", -1)) {
      hosts.add(hostPort(s, hp, defaultPort, form));
    }
    return hosts;
  }

  private static HostPort hostPort(String s, String hp, int defaultPort, String form) {
    String host;
    String port = null;
    if (hp.startsWith("[")) {
      int close = hp.indexOf(']');
      if (close < 0) {
        throw SourceException.badSource(s, "unclosed [ in host " + hp);
      }
      host = hp.substring(1, close);
      String after = hp.substring(close + 1);
      if (!after.isEmpty()) {
        if (!after.startsWith(":")) {
          throw SourceException.badSource(s, "unexpected " + after + " after host [" + host + "]");
        }
        port = after.substring(1);
      }
    } else {
      int colon = hp.indexOf(':');
      host = colon < 0 ? hp : hp.substring(0, colon);
      port = colon < 0 ? null : hp.substring(colon + 1);
    }
    if (host.isEmpty()) {
      throw SourceException.badSource(s, "no host in \"" + hp + "\" (expected " + form + ")");
    }
    String p = port;
    int portNumber = p == null ? defaultPort : number(p, 1, 65535,
        () -> SourceException.badSource(s, "port " + p + " is not a number 1-65535"));
    return new HostPort(host, portNumber);
  }

  private static int number(String text, int min, int max, java.util.function.Supplier<SourceException> error) {
    if (text.isEmpty() || text.length() > 10 || !text.chars().allMatch(c -> c >= '0' && c <= '9')) {
      throw error.get();
    }
    long v = Long.parseLong(text);
    if (v < min || v > max) {
      throw error.get();
    }
    return (int) v;
  }

  private static SourceUri file(String s) {
    Path p = Path.of(s);
    if (Files.isDirectory(p)) {
      return new SourceUri(Kind.FILES, List.of(), 0, null, null, p);
    }
    if (!Files.exists(p)) {
      throw SourceException.badSource(s, "no such file or directory");
    }
    String name = p.getFileName() == null ? "" : p.getFileName().toString().toLowerCase(Locale.ROOT);
    if (name.endsWith(".rdb")) {
      return new SourceUri(Kind.RDB, List.of(), 0, null, null, p);
    }
    if (name.endsWith(".mcdump")) {
      return new SourceUri(Kind.MEMCACHED_DUMP, List.of(), 0, null, null, p);
    }
    String head = head(s, p);
    if (RDB_MAGIC.matcher(head).find()) {
      return new SourceUri(Kind.RDB, List.of(), 0, null, null, p);
    }
    if (DUMP_LINE.matcher(head).find()) {
      return new SourceUri(Kind.MEMCACHED_DUMP, List.of(), 0, null, null, p);
    }
    return new SourceUri(Kind.FILES, List.of(), 0, null, null, p);
  }

  /** The first bytes of the file as Latin-1 (one char per byte), enough for the RDB magic and a dump's first line. */
  private static String head(String s, Path p) {
    try (InputStream in = Files.newInputStream(p)) {
      return new String(in.readNBytes(512), StandardCharsets.ISO_8859_1);
    } catch (IOException e) {
      throw new SourceException("io-error", dev.cachecompat.core.Finding.NO_OFFSET,
          "cannot read " + s + ": " + Console.describe(e), e);
    }
  }

  /**
   * Opens the source.
   *
   * @throws SourceException when it cannot be opened (connection failed, unreadable file)
   */
  ScanSource open(SourceOptions options) {
    switch (kind) {
      case REDIS:
        return RedisSource.open(this, options);
      case REDIS_CLUSTER:
        return RedisClusterSource.open(this, options);
      case MEMCACHED:
        return new MemcachedSource(this, options);
      case RDB:
        return new RdbSource(path, options);
      case MEMCACHED_DUMP:
        return new MemcachedDumpSource(path, options);
      default:
        return new FileSource(path, options);
    }
  }

  /** The source without secrets: {@code redis://127.0.0.1:6379/0}, {@code memcached://h:1,h:2}, or the path. */
  @Override
  public String toString() {
    switch (kind) {
      case REDIS:
        return "redis://" + hosts.get(0) + "/" + database;
      case REDIS_CLUSTER:
        return "redis-cluster://" + join(hosts);
      case MEMCACHED:
        return "memcached://" + join(hosts);
      default:
        return path.toString();
    }
  }

  private static String join(List<HostPort> hosts) {
    StringBuilder b = new StringBuilder();
    for (HostPort h : hosts) {
      b.append(b.length() == 0 ? "" : ",").append(h);
    }
    return b.toString();
  }
}
