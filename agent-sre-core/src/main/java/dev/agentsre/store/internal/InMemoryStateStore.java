package dev.agentsre.store.internal;

import dev.agentsre.store.StateStore;
import java.time.Clock;

/**
 * The three in-memory stores together. Not API.
 *
 * @param budgets the budget store
 * @param flags the flag store
 * @param windows the window store
 */
public record InMemoryStateStore(InMemoryBudgetStore budgets, InMemoryFlagStore flags, InMemoryWindowStore windows) implements StateStore {

    /** Three stores on {@code clock} with the default caps. */
    public static InMemoryStateStore create(Clock clock) {
        return new InMemoryStateStore(InMemoryBudgetStore.builder().clock(clock).build(),
                new InMemoryFlagStore(clock, InMemoryFlagStore.DEFAULT_MAX_FLAGS),
                new InMemoryWindowStore(InMemoryWindowStore.DEFAULT_MAX_WINDOWS));
    }

    @Override
    public void close() {
        budgets.close();
        flags.close();
        windows.close();
    }
}
