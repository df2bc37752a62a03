package dev.agentsre.store;

import dev.agentsre.store.internal.InMemoryFlagStore;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Where kill switches, quarantines and forced-open breakers live, so that every JVM sharing the
 * store enforces them.
 *
 * <ul>
 *   <li><b>Reads are local.</b> {@link #get} and {@link #list} read this JVM's copy of the flags and
 *       never wait for I/O; a shared store refreshes the copy within its cache TTL (and at once when
 *       a change notification arrives).</li>
 *   <li><b>Writes apply here at once.</b> {@link #set} and {@link #clear} change this JVM's copy
 *       immediately and write through to the store; if the store is unreachable the write is kept
 *       and retried, so a quarantine or a kill decided here is enforced here whatever the store
 *       does.</li>
 *   <li><b>Outages keep enforcement.</b> While a shared store is unreachable, the flags it last
 *       returned stay applied (until their own TTL, if they have one).</li>
 * </ul>
 *
 * <p>Keys and values are checked by {@link FlagKeys}. Implementations are thread-safe.
 */
public interface FlagStore extends AutoCloseable {

    /**
     * Sets flag {@code key} to {@code value}, lapsing after {@code ttl} ({@code null}: kept until
     * cleared).
     *
     * @throws IllegalArgumentException if the key, value or TTL is invalid, or the store holds its
     *         maximum number of flags
     */
    void set(String key, String value, Duration ttl);

    /** Clears flag {@code key}; returns whether this JVM saw it set. */
    boolean clear(String key);

    /** Flag {@code key} as this JVM knows it, unless it is absent or has lapsed. */
    Optional<Flag> get(String key);

    /** Whether flag {@code key} is set (and has not lapsed). */
    default boolean isSet(String key) {
        return get(key).isPresent();
    }

    /** Every flag whose key starts with {@code prefix}, sorted by key. */
    List<Flag> list(String prefix);

    /**
     * Calls {@code listener} for every change of a flag whose key starts with {@code prefix} (set,
     * cleared, lapsed), from now on. Close the returned handle to stop.
     */
    AutoCloseable watch(String prefix, FlagListener listener);

    /** Releases the store's resources. */
    @Override
    void close();

    /** Flags in this JVM's memory on the system clock. */
    static FlagStore inMemory() {
        return inMemory(Clock.systemUTC());
    }

    /** Flags in this JVM's memory; TTLs follow {@code clock}. */
    static FlagStore inMemory(Clock clock) {
        return new InMemoryFlagStore(clock, InMemoryFlagStore.DEFAULT_MAX_FLAGS);
    }
}
