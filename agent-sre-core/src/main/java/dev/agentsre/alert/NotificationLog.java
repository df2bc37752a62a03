package dev.agentsre.alert;

import dev.agentsre.internal.Check;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;

/**
 * What each receiver was last told about each group, so that a group is not notified twice for the
 * same state — also across a restart, when the log is a {@link #file(Path) file}: the alerts fire
 * again after the restart, and the log says the receiver already knows.
 *
 * <p>An entry is written when a notification has been delivered (not when it was queued), so a
 * notification lost in a crash before delivery is sent again. Implementations must be
 * thread-safe and bounded.
 */
public interface NotificationLog {

    /** Default cap on entries. */
    int DEFAULT_MAX_ENTRIES = 10_000;
    /** Default time an entry is kept after it was written (Alertmanager's notification-log retention). */
    Duration DEFAULT_RETENTION = Duration.ofHours(120);

    /** The last entry for {@code receiver} and {@code groupKey}, or null. */
    Entry last(String receiver, String groupKey);

    /** Records a delivered notification. */
    void record(Entry entry);

    /** Number of entries held. */
    int size();

    /** A log in memory (lost on restart): at most {@value #DEFAULT_MAX_ENTRIES} entries, kept 120 h. */
    static NotificationLog inMemory() {
        return new InMemoryNotificationLog(DEFAULT_MAX_ENTRIES, DEFAULT_RETENTION);
    }

    /**
     * A log in a file of JSON lines (created if absent): appended on every delivery, read back when
     * opened, compacted atomically (temporary file and rename) when it holds many superseded lines.
     * At most {@value #DEFAULT_MAX_ENTRIES} entries, kept 120 h.
     */
    static NotificationLog file(Path path) {
        return new FileNotificationLog(Check.notNull("path", path), DEFAULT_MAX_ENTRIES, DEFAULT_RETENTION);
    }

    /**
     * One delivered notification: which alerts were firing and which resolved, the highest
     * severity, and when.
     */
    final class Entry {
        private final String receiver;
        private final String groupKey;
        private final long[] firing;
        private final long[] resolved;
        private final Severity severity;
        private final Instant timestamp;

        /** Sorts copies of the fingerprint arrays. */
        public Entry(String receiver, String groupKey, long[] firing, long[] resolved, Severity severity, Instant timestamp) {
            this.receiver = Check.notBlank("receiver", receiver);
            this.groupKey = Check.notNull("groupKey", groupKey);
            this.firing = firing.clone();
            this.resolved = resolved.clone();
            Arrays.sort(this.firing);
            Arrays.sort(this.resolved);
            this.severity = Check.notNull("severity", severity);
            this.timestamp = Check.notNull("timestamp", timestamp);
        }

        /** The receiver. */
        public String receiver() {
            return receiver;
        }

        /** The group. */
        public String groupKey() {
            return groupKey;
        }

        /** Fingerprints of the firing alerts notified, sorted (a copy). */
        public long[] firing() {
            return firing.clone();
        }

        /** Fingerprints of the resolved alerts notified, sorted (a copy). */
        public long[] resolved() {
            return resolved.clone();
        }

        /** Number of firing alerts notified. */
        public int firingCount() {
            return firing.length;
        }

        /** Highest severity notified. */
        public Severity severity() {
            return severity;
        }

        /** When it was delivered (or decided). */
        public Instant timestamp() {
            return timestamp;
        }

        /** Whether every fingerprint of {@code current} was notified as firing. */
        public boolean firingContainsAll(long[] current) {
            return containsAll(firing, current);
        }

        /** Whether every fingerprint of {@code current} was notified as resolved. */
        public boolean resolvedContainsAll(long[] current) {
            return containsAll(resolved, current);
        }

        private static boolean containsAll(long[] sorted, long[] values) {
            for (long v : values) {
                if (Arrays.binarySearch(sorted, v) < 0) {
                    return false;
                }
            }
            return true;
        }

        @Override
        public String toString() {
            return "Entry{" + receiver + ", " + groupKey + ", firing=" + firing.length + ", resolved=" + resolved.length + ", "
                    + severity.label() + ", " + timestamp + '}';
        }
    }
}
