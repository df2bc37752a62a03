package dev.agentsre.bench;

import dev.agentsre.store.redis.RedisStateStore;
import dev.agentsre.testing.RedisServer;
import io.lettuce.core.RedisClient;
import java.time.Duration;

/** A redis-server on loopback, a client and a state store over it, for one benchmark trial. */
final class BenchRedis implements AutoCloseable {

    private final RedisServer server;
    private final RedisClient client;
    final RedisStateStore store;

    private BenchRedis() {
        server = RedisServer.start();
        client = server.client();
        store = RedisStateStore.builder(client).namespace("bench").commandTimeout(Duration.ofSeconds(2)).build();
    }

    static BenchRedis start() {
        return new BenchRedis();
    }

    @Override
    public void close() {
        store.close();
        client.shutdown();
        server.close();
    }
}
