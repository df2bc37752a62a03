package dev.agentsre.internal;

/**
 * An entry of a {@link BoundedRegistry} that is updated without a lock and may be retired
 * (evicted) while another thread updates it. The protocol makes every update count exactly once:
 * the evictor marks the entry RETIRING, then asks {@link #pinned} (which reads the entry's state);
 * an updater writes its update first, then asks {@link #stillLive()}. With both sides' writes and
 * reads volatile, at least one sees the other: either the evictor sees the update (the entry is
 * pinned and stays) or the updater sees the retirement (its update landed in a dead entry and it
 * redoes it on the new one). While RETIRING, {@code stillLive} waits for the evictor's decision — a
 * few reads under the registry's lock. Not API.
 */
public abstract class Retirable {

    private static final int LIVE = 0;
    private static final int RETIRING = 1;
    private static final int RETIRED = 2;

    private volatile int retirement = LIVE;

    /** For subclasses. */
    protected Retirable() {
    }

    /**
     * For the registry's {@link BoundedRegistry.Retirement}: retires this entry and returns true
     * unless it is {@link #pinned} at {@code now}.
     */
    public final boolean tryRetire(long now) {
        retirement = RETIRING;
        if (pinned(now)) {
            retirement = LIVE;
            return false;
        }
        retirement = RETIRED;
        return true;
    }

    /**
     * After an update: whether it landed in an entry that is still registered. {@code false} means
     * the entry was retired before the update could pin it: redo the update on the registry's new entry.
     */
    public final boolean stillLive() {
        int r;
        while ((r = retirement) == RETIRING) {
            Thread.onSpinWait();
        }
        return r == LIVE;
    }

    /** Whether this entry has been retired. */
    public final boolean isRetired() {
        return retirement == RETIRED;
    }

    /** Whether evicting this entry at {@code now} would lift enforcement (or lose money); reads its state. */
    protected abstract boolean pinned(long now);
}
