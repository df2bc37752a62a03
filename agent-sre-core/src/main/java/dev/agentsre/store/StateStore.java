package dev.agentsre.store;

import dev.agentsre.store.internal.InMemoryStateStore;
import java.time.Clock;

/**
 * The three stores a fleet shares (or a JVM keeps across restarts), from one backend: budgets,
 * flags and SLO windows. Implementations:
 * <ul>
 *   <li>{@link #inMemory()}: this JVM only, lost on exit (what the components do with no store);</li>
 *   <li>{@link FileStateStore}: this JVM only, written to files every few seconds and on close;</li>
 *   <li>{@link JdbcStateStore}: this JVM only, written to one table of a database;</li>
 *   <li>{@code dev.agentsre.store.redis.RedisStateStore}: shared by every JVM connected to one
 *       Redis, live (Lettuce, an optional dependency).</li>
 * </ul>
 * Closing the state store closes its three stores.
 */
public interface StateStore extends AutoCloseable {

    /** The budget store. */
    BudgetStore budgets();

    /** The flag store. */
    FlagStore flags();

    /** The SLO window store. */
    WindowStore windows();

    /** Closes the three stores (a persistent store writes its state first). */
    @Override
    void close();

    /** The three stores in this JVM's memory, on the system clock. */
    static StateStore inMemory() {
        return inMemory(Clock.systemUTC());
    }

    /** The three stores in this JVM's memory, on {@code clock}. */
    static StateStore inMemory(Clock clock) {
        return InMemoryStateStore.create(clock);
    }
}
