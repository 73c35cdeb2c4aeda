package dev.cachecompat.verifier;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.cachecompat.core.Finding;
import dev.cachecompat.core.PythonVersion;
import dev.cachecompat.core.Severity;
import dev.cachecompat.core.Verdict;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The line's precomputed parts (flags to verdict without flags, protocol to the value's key by protocol and
 * Python version, ttl to the end without a ttl or findings) against Jackson, at and around every table's bounds,
 * with the key taken from its raw bytes and from its string.
 */
class ScanLinePartsTest {
  @Test
  void everyProtocolPythonVersionFlagsAndTtlAroundThePrecomputedPartsIsWrittenAsJacksonWritesIt() throws Exception {
    List<Integer> protocols = Arrays.asList(null, -1, 0, 1, 2, 3, 4, 5, 6, 255);
    // PythonVersion takes 2.7 and 3.x only
    List<PythonVersion> versions = new ArrayList<>(Arrays.asList(null, PythonVersion.PY2_7,
        new PythonVersion(3, 100), new PythonVersion(3, Integer.MAX_VALUE)));
    for (int minor = 0; minor <= 16; minor++) {
      versions.add(new PythonVersion(3, minor));
    }
    List<Integer> flags = Arrays.asList(null, 0, 1, -1);
    List<Long> ttls = Arrays.asList(null, 0L, 86_400L);
    List<List<Finding>> findings = List.of(List.of(),
        List.of(new Finding("unreadable-by-readers", Severity.ERROR, Finding.NO_OFFSET, "m")));
    NamespaceResolver.Ns ns = new NamespaceResolver.Ns("app", 3);
    byte[] rawKey = "app:3:user:7".getBytes(StandardCharsets.US_ASCII);
    int n = 0;
    for (Integer protocol : protocols) {
      for (PythonVersion version : versions) {
        for (Integer flag : flags) {
          for (Long ttl : ttls) {
            for (List<Finding> f : findings) {
              n++;
              String format = List.of("pickle", "json", "other", "odd").get(n % 4);
              Verdict verdict = Verdict.values()[n % Verdict.values().length];
              byte[] value = n % 5 == 0 ? null : "{\"a\":1}".getBytes(StandardCharsets.UTF_8);
              EntryClassifier.Result r = new EntryClassifier.Result("app:3:user:7", n % 2 == 0 ? ns : null, null,
                  n % 2 == 0 ? "user:7" : null, flag, format, n % 3 != 0, verdict, protocol, version, value, ttl, f,
                  false);
              String context = protocol + " " + version + " " + flag + " " + ttl + " " + f.size() + " " + format;
              ScanLineTest.assertSameBytes(r, context);
              ScanLine.Bytes fromRaw = new ScanLine.Bytes();
              ScanLine.write(fromRaw, r, rawKey);
              ScanLine.Bytes fromString = new ScanLine.Bytes();
              ScanLine.write(fromString, r);
              assertEquals(new String(fromString.toByteArray(), StandardCharsets.UTF_8),
                  new String(fromRaw.toByteArray(), StandardCharsets.UTF_8), context);
            }
          }
        }
      }
    }
  }
}
