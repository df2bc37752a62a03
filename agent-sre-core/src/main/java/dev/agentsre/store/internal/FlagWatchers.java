package dev.agentsre.store.internal;

import dev.agentsre.store.Flag;
import dev.agentsre.store.FlagListener;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The watchers of a flag store: registration by prefix, and notification that never throws. Not API. */
public final class FlagWatchers {

    private static final Logger LOG = LoggerFactory.getLogger(FlagWatchers.class);

    private final CopyOnWriteArrayList<Watch> watches = new CopyOnWriteArrayList<>();

    /** Registers {@code listener} for keys starting with {@code prefix}; closing the handle removes it. */
    public AutoCloseable add(String prefix, FlagListener listener) {
        if (prefix == null) {
            throw new IllegalArgumentException("prefix must not be null");
        }
        if (listener == null) {
            throw new IllegalArgumentException("listener must not be null");
        }
        Watch watch = new Watch(prefix, listener);
        watches.add(watch);
        return () -> watches.remove(watch);
    }

    /** Whether anyone watches. */
    public boolean isEmpty() {
        return watches.isEmpty();
    }

    /** Tells every watcher of {@code key} that it is now {@code flag} (null: gone); a throwing listener is logged. */
    public void fire(String key, Flag flag) {
        for (Watch watch : watches) {
            if (key.startsWith(watch.prefix)) {
                try {
                    watch.listener.onChange(key, flag);
                } catch (RuntimeException e) {
                    LOG.warn("Flag listener failed on '{}'", key, e);
                }
            }
        }
    }

    private record Watch(String prefix, FlagListener listener) {
    }
}
