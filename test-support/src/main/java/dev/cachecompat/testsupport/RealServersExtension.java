package dev.cachecompat.testsupport;

import java.util.function.Supplier;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Resolves {@link MemcachedServer}, {@link RedisServer} and {@link RedisCluster} parameters with real processes,
 * one of each per test class, kept in the class's extension store so JUnit closes them after the class.
 */
public final class RealServersExtension implements ParameterResolver {
  private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(RealServersExtension.class);

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    Class<?> type = parameter.getParameter().getType();
    return type == MemcachedServer.class || type == RedisServer.class || type == RedisCluster.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    Class<?> type = parameter.getParameter().getType();
    ExtensionContext classContext = context;
    while (classContext.getTestMethod().isPresent() && classContext.getParent().isPresent()) {
      classContext = classContext.getParent().get();
    }
    Supplier<AutoCloseable> starter;
    if (type == MemcachedServer.class) {
      starter = MemcachedServer::startNew;
    } else if (type == RedisServer.class) {
      starter = RedisServer::startNew;
    } else {
      starter = RedisCluster::startNew;
    }
    AutoCloseable server = classContext.getStore(NS)
        .getOrComputeIfAbsent(type, t -> starter.get(), AutoCloseable.class);
    if (server instanceof ServerProcess) {
      ((ServerProcess) server).start(); // a test may have stopped it to simulate an outage
    }
    return server;
  }
}
