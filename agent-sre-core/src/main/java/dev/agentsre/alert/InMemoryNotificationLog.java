package dev.agentsre.alert;

import dev.agentsre.internal.Check;
import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@link NotificationLog} in memory: the newest entry per (receiver, group), at most
 * {@code maxEntries} (the least recently written dropped first), entries older than
 * {@code retention} dropped on write. Thread-safe (one short lock).
 */
class InMemoryNotificationLog implements NotificationLog {

    private final int maxEntries;
    private final Duration retention;
    private final LinkedHashMap<String, Entry> entries = new LinkedHashMap<>(64, 0.75f, false);

    InMemoryNotificationLog(int maxEntries, Duration retention) {
        this.maxEntries = Check.positive("maxEntries", maxEntries);
        this.retention = Check.positive("retention", retention);
    }

    static String key(String receiver, String groupKey) {
        return receiver + '\u0000' + groupKey;
    }

    @Override
    public synchronized Entry last(String receiver, String groupKey) {
        return entries.get(key(receiver, groupKey));
    }

    @Override
    public synchronized void record(Entry entry) {
        Check.notNull("entry", entry);
        String key = key(entry.receiver(), entry.groupKey());
        entries.remove(key); // re-insert at the end: insertion order is write order
        entries.put(key, entry);
        prune(entry.timestamp().minus(retention));
    }

    @Override
    public synchronized int size() {
        return entries.size();
    }

    /** Drops entries written before {@code horizon} and the oldest beyond the cap; caller holds the lock. */
    void prune(java.time.Instant horizon) {
        Iterator<Map.Entry<String, Entry>> it = entries.entrySet().iterator();
        while (it.hasNext()) {
            Entry e = it.next().getValue();
            if (entries.size() > maxEntries || e.timestamp().isBefore(horizon)) {
                it.remove();
            } else {
                break; // write order: the rest are newer
            }
        }
    }

    /** Every entry, oldest written first; caller holds the lock. */
    Iterable<Entry> all() {
        return entries.values();
    }

    void put(Entry entry) {
        entries.put(key(entry.receiver(), entry.groupKey()), entry);
    }

    int maxEntries() {
        return maxEntries;
    }

    Duration retention() {
        return retention;
    }
}
