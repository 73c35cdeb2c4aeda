package dev.cachecompat.namespace;

import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisCommandTimeoutException;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/** Maps Lettuce failures to {@link NamespaceException}s that name the operation and key. */
final class RedisErrors {
  private RedisErrors() {}

  static NamespaceException map(Throwable t, String what) {
    while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
      t = t.getCause();
    }
    if (t instanceof NamespaceException) {
      return (NamespaceException) t;
    }
    if (t instanceof RedisCommandExecutionException) {
      String m = String.valueOf(t.getMessage());
      if (isTransient(m)) {
        return new NamespaceException("server-unavailable", "Redis is unavailable for " + what + ": " + m, t);
      }
      return new NamespaceException("server-error", "Redis refused " + what + ": " + m, t);
    }
    if (t instanceof RedisCommandTimeoutException || t instanceof TimeoutException) {
      return new NamespaceException("server-unavailable", "Redis " + what + " timed out: " + t.getMessage(), t);
    }
    if (t instanceof CancellationException) {
      return new NamespaceException("server-unavailable", "Redis " + what + " was cancelled", t);
    }
    return new NamespaceException("server-unavailable", "Redis " + what + " failed: " + t.getMessage(), t);
  }

  /**
   * Error replies that say the server cannot serve now, not that the command is wrong: a cluster without
   * coverage (a master down), a server loading its data set, a replica cut from its master, a slot being
   * migrated. They pass when the server or cluster recovers.
   */
  static boolean isTransient(String message) {
    return message.startsWith("CLUSTERDOWN") || message.startsWith("LOADING") || message.startsWith("MASTERDOWN")
        || message.startsWith("TRYAGAIN");
  }

  static <T> T await(CompletableFuture<T> f, long timeoutMillis, String what) {
    return await(f, timeoutMillis, () -> what);
  }

  /** Waits for {@code f}; {@code what} names the operation in an error message and is only called then. */
  static <T> T await(CompletableFuture<T> f, long timeoutMillis, Supplier<String> what) {
    try {
      return f.get(timeoutMillis, TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      f.cancel(false);
      throw new NamespaceException("server-unavailable", "Redis " + what.get() + " did not answer within "
          + timeoutMillis + " ms", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      f.cancel(false);
      throw new NamespaceException("interrupted", "Redis " + what.get() + " interrupted", e);
    } catch (ExecutionException e) {
      throw map(e, what.get());
    }
  }
}
