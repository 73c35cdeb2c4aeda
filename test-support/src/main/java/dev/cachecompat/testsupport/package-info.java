/**
 * Test fixtures every module shares. {@link dev.cachecompat.testsupport.RealServers} starts real
 * {@code memcached}, {@code redis-server} and 3-node Redis Cluster processes on free loopback ports, one set per
 * test class; {@link dev.cachecompat.testsupport.Pythons} finds the pyenv interpreters and runs Python in them.
 * No mocks and no in-memory fakes of the servers.
 */
package dev.cachecompat.testsupport;
