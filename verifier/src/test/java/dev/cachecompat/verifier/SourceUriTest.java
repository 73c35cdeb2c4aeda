package dev.cachecompat.verifier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SourceUriTest {
  @TempDir
  Path dir;

  @Test
  void parsesRedisWithPortAndDatabase() {
    SourceUri u = SourceUri.parse("redis://10.0.0.5:6380/3");
    assertEquals(SourceUri.Kind.REDIS, u.kind());
    assertEquals(List.of(new SourceUri.HostPort("10.0.0.5", 6380)), u.hosts());
    assertEquals(3, u.database());
    assertEquals("redis://10.0.0.5:6380/3", u.toString());
  }

  @Test
  void redisDefaultsToPort6379AndDatabase0() {
    SourceUri u = SourceUri.parse("redis://cache");
    assertEquals(List.of(new SourceUri.HostPort("cache", 6379)), u.hosts());
    assertEquals(0, u.database());
  }

  @Test
  void redisPasswordIsKeptButNeverShown() {
    SourceUri u = SourceUri.parse("redis://app:s%40cret@h:1/2");
    assertEquals("app", u.user());
    assertEquals("s@cret", u.password());
    assertEquals("redis://h:1/2", u.toString());
    SourceUri p = SourceUri.parse("redis://:pw@h");
    assertNull(p.user());
    assertEquals("pw", p.password());
  }

  @Test
  void parsesIpv6Hosts() {
    assertEquals(List.of(new SourceUri.HostPort("::1", 7000)), SourceUri.parse("redis://[::1]:7000").hosts());
    assertEquals("memcached://[::1]:11211", SourceUri.parse("memcached://[::1]").toString());
  }

  @Test
  void parsesClusterAndMemcachedHostLists() {
    SourceUri c = SourceUri.parse("redis-cluster://a:7000,b:7001");
    assertEquals(SourceUri.Kind.REDIS_CLUSTER, c.kind());
    assertEquals(List.of(new SourceUri.HostPort("a", 7000), new SourceUri.HostPort("b", 7001)), c.hosts());
    SourceUri m = SourceUri.parse("MEMCACHED://a,b:11212");
    assertEquals(SourceUri.Kind.MEMCACHED, m.kind());
    assertEquals(List.of(new SourceUri.HostPort("a", 11211), new SourceUri.HostPort("b", 11212)), m.hosts());
  }

  @Test
  void rejectsBadUrisWithExactMessages() {
    assertBad("http://x", "bad source http://x: unknown scheme http (" + SourceUri.EXPECTED + ")");
    assertBad("", "bad source \"\": empty (" + SourceUri.EXPECTED + ")");
    assertBad("redis://", "bad source redis://: no host (expected redis://HOST:PORT[/DB])");
    assertBad("redis://h:99999", "bad source redis://h:99999: port 99999 is not a number 1-65535");
    assertBad("redis://h:abc", "bad source redis://h:abc: port abc is not a number 1-65535");
    assertBad("redis://h:0", "bad source redis://h:0: port 0 is not a number 1-65535");
    assertBad("redis://h/x", "bad source redis://h/x: database x is not a number 0 or more");
    assertBad("redis://a:1,b:2", "bad source redis://a:1,b:2: one host only (use redis-cluster:// for a cluster)");
    assertBad("memcached://h:1/x",
        "bad source memcached://h:1/x: unexpected path /x (expected memcached://HOST:PORT[,HOST:PORT...])");
    assertBad("memcached://a:1,,b:2",
        "bad source memcached://a:1,,b:2: no host in \"\" (expected memcached://HOST:PORT[,HOST:PORT...])");
    assertBad("redis-cluster://[::1:7000", "bad source redis-cluster://[::1:7000: unclosed [ in host [::1:7000");
    Path nope = dir.resolve("nope.rdb");
    assertBad(nope.toString(), "bad source " + nope + ": no such file or directory");
  }

  private static void assertBad(String arg, String message) {
    SourceException e = assertThrows(SourceException.class, () -> SourceUri.parse(arg));
    assertEquals("bad-source", e.code());
    assertEquals(message, e.getMessage());
  }

  @Test
  void detectsFileKindsBySuffixThenByContent() throws IOException {
    Path rdb = Files.write(dir.resolve("dump.rdb"), new byte[] {1});
    Path rdbByMagic = Files.write(dir.resolve("backup.bin"), "REDIS0010\u00fa".getBytes(StandardCharsets.ISO_8859_1));
    Path mcdump = Files.write(dir.resolve("x.mcdump"), new byte[0]);
    Path dumpByContent = Files.write(dir.resolve("memcached.out"),
        "add k 0 0 1\r\nv\r\n".getBytes(StandardCharsets.US_ASCII));
    Path pickle = Files.write(dir.resolve("p.pkl"), new byte[] {(byte) 0x80, 2, 'N', '.'});
    Path text = Files.write(dir.resolve("notes.txt"), "add some notes\n".getBytes(StandardCharsets.US_ASCII));
    assertEquals(SourceUri.Kind.RDB, SourceUri.parse(rdb.toString()).kind());
    assertEquals(SourceUri.Kind.RDB, SourceUri.parse(rdbByMagic.toString()).kind());
    assertEquals(SourceUri.Kind.MEMCACHED_DUMP, SourceUri.parse(mcdump.toString()).kind());
    assertEquals(SourceUri.Kind.MEMCACHED_DUMP, SourceUri.parse(dumpByContent.toString()).kind());
    assertEquals(SourceUri.Kind.FILES, SourceUri.parse(pickle.toString()).kind());
    assertEquals(SourceUri.Kind.FILES, SourceUri.parse(text.toString()).kind());
    assertEquals(SourceUri.Kind.FILES, SourceUri.parse(dir.toString()).kind());
  }
}
