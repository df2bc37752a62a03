package dev.agentsre.store;

import dev.agentsre.store.internal.InMemoryWindowStore;
import java.util.Optional;

/**
 * Where SLO windows live, as bucket counts of constant size ({@link WindowSnapshot}), so that they
 * survive a restart (file, JDBC, Redis) and — with a store shared by many JVMs (Redis) — count the
 * whole fleet's events.
 *
 * <p>A JVM sends what it recorded since its last call as a delta ({@link #add}); the store adds it
 * to what it holds and returns the sum. A JVM restarting over the same store {@link #load}s the
 * window and carries on from it. Implementations are thread-safe.
 */
public interface WindowStore extends AutoCloseable {

    /**
     * Adds {@code delta} to the window stored under {@code key} and returns the window as stored
     * after the add. A stored window of another layout (the SLO's window changed) is replaced by
     * the delta, with a warning.
     *
     * @throws IllegalArgumentException if the key is invalid or the store holds its maximum number of windows
     * @throws StoreUnavailableException if the store cannot be reached
     */
    WindowSnapshot add(String key, WindowSnapshot delta);

    /**
     * The window stored under {@code key}, if any.
     *
     * @throws StoreUnavailableException if the store cannot be reached
     */
    Optional<WindowSnapshot> load(String key);

    /** Releases the store's resources; a persistent store writes its state. */
    @Override
    void close();

    /** Windows in this JVM's memory (lost on exit). */
    static WindowStore inMemory() {
        return new InMemoryWindowStore(InMemoryWindowStore.DEFAULT_MAX_WINDOWS);
    }
}
