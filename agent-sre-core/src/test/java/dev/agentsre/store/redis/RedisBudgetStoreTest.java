package dev.agentsre.store.redis;

import dev.agentsre.store.BudgetStore;
import dev.agentsre.store.BudgetStoreContract;
import dev.agentsre.store.ForwardingBudgetStore;
import dev.agentsre.testing.ManualClock;
import dev.agentsre.testing.RedisServerExtension;
import io.lettuce.core.RedisClient;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The budget store contract on a real redis-server, each test in a namespace of its own. */
class RedisBudgetStoreTest extends BudgetStoreContract {

    @RegisterExtension
    static final RedisServerExtension REDIS = new RedisServerExtension();
    private final List<RedisStateStore> opened = new ArrayList<>();
    private String namespace;

    @Override
    protected BudgetStore open(ManualClock clock) {
        namespace = "t-" + UUID.randomUUID();
        return openIn(namespace, clock);
    }

    @Override
    protected BudgetStore openAnother(ManualClock clock) {
        // a second client: a second connection, as a second JVM would have
        RedisClient second = REDIS.newClient();
        RedisStateStore store = RedisStateStore.builder(second).namespace(namespace).clock(clock).build();
        return new ForwardingBudgetStore(store.budgets(), store::close); // the client is shut down after the class
    }

    private BudgetStore openIn(String ns, ManualClock clock) {
        RedisStateStore store = RedisStateStore.builder(REDIS.client()).namespace(ns).clock(clock).build();
        opened.add(store);
        return store.budgets();
    }

    @AfterEach
    void closeStores() {
        opened.forEach(RedisStateStore::close);
        opened.clear();
    }
}
