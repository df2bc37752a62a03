package dev.agentsre.store.internal;

import dev.agentsre.internal.Check;
import dev.agentsre.store.FlagKeys;
import dev.agentsre.store.WindowSnapshot;
import dev.agentsre.store.WindowStore;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link WindowStore} in this JVM's memory, and the state under the file and JDBC stores. Not API.
 *
 * <p><b>Memory.</b> At most {@code maxWindows} windows (default {@value #DEFAULT_MAX_WINDOWS}), each
 * of at most its layout's size in buckets (24 bytes each).
 */
public final class InMemoryWindowStore implements WindowStore {

    /** Default cap on windows. */
    public static final int DEFAULT_MAX_WINDOWS = 10_000;
    private static final Logger LOG = LoggerFactory.getLogger(InMemoryWindowStore.class);

    private final int maxWindows;
    private final ConcurrentHashMap<String, WindowSnapshot> windows = new ConcurrentHashMap<>();
    private final AtomicLong version = new AtomicLong();

    /** A store of at most {@code maxWindows} windows. */
    public InMemoryWindowStore(int maxWindows) {
        this.maxWindows = Check.positive("maxWindows", maxWindows);
    }

    @Override
    public WindowSnapshot add(String key, WindowSnapshot delta) {
        FlagKeys.checkKey(key);
        Check.notNull("delta", delta);
        synchronized (this) {
            if (!windows.containsKey(key) && windows.size() >= maxWindows) {
                throw new IllegalArgumentException("the window store holds " + windows.size() + " windows, its cap (maxWindows): '"
                        + key + "' was not stored");
            }
            WindowSnapshot merged = windows.merge(key, delta, (stored, d) -> {
                if (!stored.sameLayout(d)) {
                    LOG.warn("Window '{}' changed its layout ({} → {}): its stored counts are dropped", key, stored, d);
                    return d;
                }
                return stored.plus(d);
            });
            version.incrementAndGet();
            return merged;
        }
    }

    @Override
    public Optional<WindowSnapshot> load(String key) {
        return Optional.ofNullable(windows.get(key));
    }

    /** A counter that changes whenever a window does. */
    public long version() {
        return version.get();
    }

    /** Every window (for snapshots). */
    public Map<String, WindowSnapshot> exportState() {
        return Map.copyOf(windows);
    }

    /** Replaces every window by {@code state} (at start-up). */
    public synchronized void importState(Map<String, WindowSnapshot> state) {
        windows.clear();
        state.forEach((k, v) -> {
            if (windows.size() < maxWindows) {
                windows.put(k, v);
            }
        });
        version.incrementAndGet();
    }

    @Override
    public void close() {
        // nothing to release
    }
}
