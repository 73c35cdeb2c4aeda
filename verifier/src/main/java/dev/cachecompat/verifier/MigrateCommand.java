package dev.cachecompat.verifier;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cachecompat.core.CacheCompatException;
import dev.cachecompat.core.PythonVersion;
import dev.cachecompat.json.CanonicalJson;
import dev.cachecompat.namespace.KeyScheme;
import dev.cachecompat.namespace.MemcachedKeyPolicy;
import dev.cachecompat.namespace.MigrationResult;
import dev.cachecompat.namespace.Namespace;
import dev.cachecompat.namespace.NamespaceMigrator;
import dev.cachecompat.namespace.ValueFormat;
import dev.cachecompat.namespace.ValueOptions;
import dev.cachecompat.pickle.PickleDecoder;
import dev.cachecompat.pickle.PickleEncoder;
import dev.cachecompat.pickle.PickleException;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import net.rubyeye.xmemcached.MemcachedClient;
import net.rubyeye.xmemcached.XMemcachedClientBuilder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code cachecompat migrate}: copies every entry of one namespace into another, re-encoded for the target
 * readers, through cache-namespacing's {@link NamespaceMigrator}.
 */
@Command(name = "migrate", header = "Copy a namespace into another, re-encoded for the target readers.",
    description = {
      "Copy every entry of one namespace into another on the same live server, re-encoded for the target "
          + "readers (the pickle protocol and spellings they load, or canonical JSON), keeping the memcached "
          + "flag conventions and TTLs. Unsafe or malformed entries are skipped and reported. Prints a JSON line "
          + "of counts."})
final class MigrateCommand implements Callable<Integer> {
  @ParentCommand
  Main main;

  @Parameters(index = "0", paramLabel = "SOURCE",
      description = "redis://HOST:PORT[/DB], redis-cluster://HOST:PORT[,...] or memcached://HOST:PORT[,...]")
  String source;

  @Option(names = "--from-namespace", required = true, paramLabel = "PREFIX:VERSION")
  String fromNamespace;

  @Option(names = "--to-namespace", required = true, paramLabel = "PREFIX:VERSION")
  String toNamespace;

  @Option(names = "--target-python", required = true, paramLabel = "X.Y",
      description = "The oldest Python that reads the target namespace, e.g. 2.7 or 3.8.")
  String targetPython;

  @Option(names = "--from-python", defaultValue = "3.13", paramLabel = "X.Y",
      description = "The oldest Python that reads the source namespace (default 3.13: any pickle protocol).")
  String fromPython;

  @Option(names = "--to", paramLabel = "TARGET",
      description = "The server to write to; only the source server itself is supported.")
  String to;

  @Option(names = "--format", defaultValue = "pickle", paramLabel = "FORMAT",
      description = "pickle (default: the highest protocol the target readers load) or json (canonical).")
  String format;

  @Option(names = "--dry-run", description = "Read and re-encode every entry, write nothing, print the counts.")
  boolean dryRun;

  @Option(names = "--resume", paramLabel = "FILE",
      description = "Keep the resume token in FILE: an interrupted migration continues from it.")
  Path resume;

  @Option(names = "--batch", defaultValue = "500", paramLabel = "N", description = "Keys per batch (default 500).")
  int batch;

  static Namespace namespace(String text, String option, PythonVersion readers, ValueFormat format) {
    int colon = text.lastIndexOf(':');
    if (colon <= 0) {
      throw new IllegalArgumentException(option + " must be PREFIX:VERSION: '" + text + "'");
    }
    int version;
    try {
      version = Integer.parseInt(text.substring(colon + 1));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(option + " version must be an integer: '" + text + "'");
    }
    return Namespace.builder(KeyScheme.django(text.substring(0, colon), version), readers).format(format).build();
  }

  @Override
  public Integer call() throws IOException {
    SourceUri uri = SourceUri.parse(source);
    if (uri.kind() != SourceUri.Kind.REDIS && uri.kind() != SourceUri.Kind.REDIS_CLUSTER
        && uri.kind() != SourceUri.Kind.MEMCACHED) {
      throw new IllegalArgumentException("migrate needs a live source (redis://, redis-cluster:// or memcached://),"
          + " not " + source);
    }
    if (to != null && !SourceUri.parse(to).hosts().equals(uri.hosts())) {
      throw new IllegalArgumentException("--to must name the source server: migrate copies between namespaces of"
          + " one server (" + to + " is another)");
    }
    ValueFormat valueFormat;
    switch (format.toLowerCase(Locale.ROOT)) {
      case "pickle":
        valueFormat = ValueFormat.PICKLE;
        break;
      case "json":
        valueFormat = ValueFormat.JSON;
        break;
      default:
        throw new IllegalArgumentException("--format must be pickle or json: '" + format + "'");
    }
    if (batch <= 0) {
      throw new IllegalArgumentException("--batch must be positive: " + batch);
    }
    PythonVersion target = PythonVersion.parse(targetPython);
    Namespace from = namespace(fromNamespace, "--from-namespace", PythonVersion.parse(fromPython),
        ValueFormat.PICKLE);
    Namespace dest = namespace(toNamespace, "--to-namespace", target, valueFormat);
    if (dryRun) {
      return dryRun(uri, from, dest);
    }
    String token = resume != null && Files.isRegularFile(resume)
        ? Files.readString(resume, StandardCharsets.UTF_8).trim() : null;
    if (token != null && (token.isEmpty() || token.equals("done"))) {
      token = token.isEmpty() ? null : token;
    }
    if ("done".equals(token)) {
      main.console.err.println("cachecompat: " + resume + " says the migration is done; delete it to run again");
      return Main.CLEAN;
    }
    MigrationResult result;
    try (Connections c = Connections.open(uri)) {
      NamespaceMigrator migrator = c.migrator().options(ValueOptions.defaults()).batchSize(batch)
          .progress(r -> saveToken(r.resumeToken())).build();
      result = migrator.migrate(from, dest, token, 0);
    } catch (CacheCompatException e) {
      main.console.err.println("cachecompat: " + e.getMessage()
          + (resume != null ? " (resume with --resume=" + resume + ")" : ""));
      return Main.ERROR;
    }
    saveToken(result.isComplete() ? "done" : result.resumeToken());
    ObjectNode line = JsonLines.object();
    line.put("from", from.name());
    line.put("to", dest.name());
    line.put("target_python", target.toString());
    line.put("format", format.toLowerCase(Locale.ROOT));
    line.put("scanned", result.scanned());
    line.put("copied", result.copied());
    line.put("already_present", result.alreadyPresent());
    line.put("expired", result.expired());
    line.put("rejected", result.rejected());
    line.put("unencodable", result.unencodable());
    line.put("skipped_hashed", result.skippedHashed());
    line.put("complete", result.isComplete());
    line.set("problems", JsonLines.strings(result.problems()));
    JsonLines.print(main.console.out, line);
    return result.rejected() + result.unencodable() > 0 ? Main.FINDINGS : Main.CLEAN;
  }

  private void saveToken(String token) {
    if (resume == null || token == null) {
      return;
    }
    try {
      Files.writeString(resume, token + "\n", StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** Reads the source namespace with the scan's sources and re-encodes every entry in memory; writes nothing. */
  private int dryRun(SourceUri uri, Namespace from, Namespace dest) {
    String prefix = from.scheme().rawPrefix();
    PickleDecoder decoder = PickleDecoder.defaults();
    PickleEncoder encoder = PickleEncoder.forReaders(dest.readers());
    CanonicalJson json = CanonicalJson.python();
    long[] counts = new long[4]; // scanned, would copy, rejected, unencodable
    List<String> problems = new ArrayList<>();
    try (ScanSource s = uri.open(SourceOptions.defaults())) {
      s.forEach(e -> {
        String key = e.displayKey();
        if (!key.startsWith(prefix) || e.value() == null) {
          return true;
        }
        counts[0]++;
        Object value;
        try {
          value = EntryValues.decode(e, decoder);
        } catch (CacheCompatException ex) {
          counts[2]++;
          note(problems, key + ": " + ex.getMessage());
          return true;
        }
        try {
          if (dest.format() == ValueFormat.JSON) {
            json.writeBytes(value);
          } else {
            encoder.encode(value);
          }
          counts[1]++;
        } catch (CacheCompatException ex) {
          counts[3]++;
          note(problems, key + ": " + ex.getMessage());
        }
        return true;
      });
    }
    ObjectNode line = JsonLines.object();
    line.put("dry_run", true);
    line.put("from", from.name());
    line.put("to", dest.name());
    line.put("scanned", counts[0]);
    line.put("would_copy", counts[1]);
    line.put("rejected", counts[2]);
    line.put("unencodable", counts[3]);
    line.set("problems", JsonLines.strings(problems));
    JsonLines.print(main.console.out, line);
    return counts[2] + counts[3] > 0 ? Main.FINDINGS : Main.CLEAN;
  }

  private static void note(List<String> problems, String p) {
    if (problems.size() < 20) {
      problems.add(p);
    }
  }

  /** The live connections a migration needs, closed together. */
  private static final class Connections implements AutoCloseable {
    private final Runnable closer;
    private final NamespaceMigrator.Builder builder;

    private Connections(NamespaceMigrator.Builder builder, Runnable closer) {
      this.builder = builder;
      this.closer = closer;
    }

    NamespaceMigrator.Builder migrator() {
      return builder;
    }

    static Connections open(SourceUri uri) {
      Duration timeout = Duration.ofSeconds(60);
      try {
        switch (uri.kind()) {
          case REDIS: {
            SourceUri.HostPort hp = uri.hosts().get(0);
            RedisClient client = RedisClient.create();
            StatefulRedisConnection<byte[], byte[]> c = client.connect(ByteArrayCodec.INSTANCE,
                RedisURI.builder().withHost(hp.host()).withPort(hp.port()).withDatabase(uri.database())
                    .withTimeout(timeout).build());
            return new Connections(NamespaceMigrator.redis(c), () -> {
              c.close();
              RedisSource.shutdown(client);
            });
          }
          case REDIS_CLUSTER: {
            List<RedisURI> seeds = new ArrayList<>();
            for (SourceUri.HostPort hp : uri.hosts()) {
              seeds.add(RedisURI.builder().withHost(hp.host()).withPort(hp.port()).withTimeout(timeout).build());
            }
            RedisClusterClient client = RedisClusterClient.create(seeds);
            StatefulRedisClusterConnection<byte[], byte[]> c = client.connect(ByteArrayCodec.INSTANCE);
            return new Connections(NamespaceMigrator.redisCluster(c), () -> {
              c.close();
              RedisSource.shutdown(client);
            });
          }
          default: {
            StringBuilder addresses = new StringBuilder();
            for (SourceUri.HostPort hp : uri.hosts()) {
              addresses.append(addresses.length() == 0 ? "" : " ").append(hp.host()).append(':').append(hp.port());
            }
            XMemcachedClientBuilder b = new XMemcachedClientBuilder(
                net.rubyeye.xmemcached.utils.AddrUtil.getAddresses(addresses.toString()));
            b.setConnectTimeout(5_000);
            b.setOpTimeout(10_000);
            MemcachedClient client = b.build();
            return new Connections(NamespaceMigrator.memcached(client, MemcachedKeyPolicy.REJECT), () -> {
              try {
                client.shutdown();
              } catch (IOException ignored) {
                // closing: nothing more to do
              }
            });
          }
        }
      } catch (IOException | RuntimeException e) {
        throw new SourceException("connection-failed", -1, "cannot connect to " + uri + ": "
            + RedisSource.rootMessage(e), e);
      }
    }

    @Override
    public void close() {
      closer.run();
    }
  }
}
