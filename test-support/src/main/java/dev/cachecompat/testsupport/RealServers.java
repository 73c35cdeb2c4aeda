package dev.cachecompat.testsupport;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Gives a test class real servers: declare a parameter of type {@link MemcachedServer}, {@link RedisServer} or
 * {@link RedisCluster} on a test method, a lifecycle method or the constructor, and it is started on free loopback
 * ports the first time a test of the class asks for it, shared by the class's tests, and stopped after the class.
 *
 * <pre>{@code
 * @RealServers
 * class NamespacedRedisIT {
 *   @Test
 *   void fanOutDeleteReachesEveryNamespace(RedisServer redis) { ... }
 * }
 * }</pre>
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@ExtendWith(RealServersExtension.class)
public @interface RealServers {}
