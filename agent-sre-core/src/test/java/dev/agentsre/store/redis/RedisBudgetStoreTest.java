package dev.agentsre.store.redis;

import dev.agentsre.store.BudgetStore;
import dev.agentsre.store.BudgetStoreContract;
import dev.agentsre.store.ForwardingBudgetStore;
import dev.agentsre.testing.RedisServer;
import dev.agentsre.testing.ManualClock;
import io.lettuce.core.RedisClient;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;

/** The budget store contract on a real redis-server, each test in a namespace of its own. */
class RedisBudgetStoreTest extends BudgetStoreContract {

    static RedisServer redis;
    static RedisClient client;
    private final List<RedisStateStore> opened = new ArrayList<>();
    private String namespace;

    @BeforeAll
    static void startRedis() {
        redis = RedisServer.start();
        client = redis.client();
    }

    @AfterAll
    static void stopRedis() {
        client.shutdown();
        redis.close();
    }

    @Override
    protected BudgetStore open(ManualClock clock) {
        namespace = "t-" + UUID.randomUUID();
        return openIn(namespace, clock);
    }

    @Override
    protected BudgetStore openAnother(ManualClock clock) {
        // a second client: a second connection, as a second JVM would have
        RedisClient second = redis.client();
        RedisStateStore store = RedisStateStore.builder(second).namespace(namespace).clock(clock).build();
        return new ForwardingBudgetStore(store.budgets(), () -> {
            store.close();
            second.shutdown();
        });
    }

    private BudgetStore openIn(String ns, ManualClock clock) {
        RedisStateStore store = RedisStateStore.builder(client).namespace(ns).clock(clock).build();
        opened.add(store);
        return store.budgets();
    }

    @AfterEach
    void closeStores() {
        opened.forEach(RedisStateStore::close);
        opened.clear();
    }
}
