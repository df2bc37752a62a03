package dev.agentsre.cost.internal;

import dev.agentsre.internal.BoundedRegistry;
import dev.agentsre.internal.Money;
import dev.agentsre.internal.Retirable;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What each task has spent and holds, for the per-task limit: at most {@code capacity} tasks, the
 * least recently used evicted first — but never one that holds a reservation (its limit is being
 * enforced right now). A task's check-and-hold is atomic: sixteen threads reserving $1 each for one
 * task under a $2 limit get exactly two grants, and a task's second $2 reservation is refused while
 * the first is open. Lock-free: an eviction racing an update is settled by {@link Retirable}.
 * Memory: about 150 bytes per task. Not API.
 */
public final class TaskTotals {

    /** Why a hold was refused, or that it was taken. */
    public enum Hold { TAKEN, NO_ROOM, FULL }

    private final BoundedRegistry<Key, Total> tasks;

    /** Totals of at most {@code capacity} tasks. */
    public TaskTotals(int capacity) {
        this.tasks = new BoundedRegistry<>(capacity, total -> total.tryRetire(0), null);
    }

    /** Number of tasks tracked. */
    public int size() {
        return tasks.size();
    }

    /** The total of a task, or {@code null} when it is not tracked (a pure read). */
    public Total peek(String agentId, String taskId) {
        return tasks.peek(new Key(agentId, taskId));
    }

    /**
     * Holds {@code nanos} for the task if its spend, its holds and {@code nanos} fit {@code limit};
     * the total it was held in is {@code holder[0]}.
     */
    public Hold tryHold(String agentId, String taskId, long nanos, long limit, Total[] holder) {
        Key key = new Key(agentId, taskId);
        while (true) {
            Total total = tasks.getOrCreate(key, k -> new Total());
            if (total == null) {
                return Hold.FULL;
            }
            holder[0] = total;
            if (!total.tryHold(nanos, limit)) {
                return Hold.NO_ROOM;
            }
            if (total.stillLive()) {
                return Hold.TAKEN;
            }
            // evicted before the hold could pin it: the task's new entry (the dead one is garbage)
        }
    }

    /**
     * Adds {@code nanos} to the task's spend and returns the new total with {@code alert} set the first
     * time it passes {@code limit}.
     */
    public Charge charge(String agentId, String taskId, long nanos, long limit) {
        Key key = new Key(agentId, taskId);
        while (true) {
            Total total = tasks.getOrCreate(key, k -> new Total());
            if (total == null) {
                return new Charge(nanos, nanos > limit); // untracked: judged alone
            }
            long spent = Money.addTo(total.spent, nanos);
            if (total.stillLive()) {
                return new Charge(spent, spent > limit && total.alerted.compareAndSet(false, true));
            }
        }
    }

    /**
     * A charge's outcome.
     *
     * @param spent the task's spend after it
     * @param alert whether it passed the limit for the first time
     */
    public record Charge(long spent, boolean alert) {
    }

    /**
     * A task's key. Not a record: a record's {@code hashCode} and {@code equals} are bound through
     * method handles that were measured not to inline on this path; these are plain and compare the
     * ids by reference first (a task's charges usually pass the same strings).
     */
    private static final class Key {
        private final String agentId;
        private final String taskId;
        private final int hash;

        Key(String agentId, String taskId) {
            this.agentId = agentId;
            this.taskId = taskId;
            this.hash = 31 * agentId.hashCode() + taskId.hashCode();
        }

        @Override
        public int hashCode() {
            return hash;
        }

        @Override
        public boolean equals(Object o) {
            if (this == o) {
                return true;
            }
            if (!(o instanceof Key)) {
                return false;
            }
            Key other = (Key) o;
            return hash == other.hash && same(taskId, other.taskId) && same(agentId, other.agentId);
        }

        private static boolean same(String a, String b) {
            return a == b || a.equals(b);
        }

        @Override
        public String toString() {
            return agentId + "/" + taskId;
        }
    }

    /** One task's spend and holds: a task holding a reservation is pinned. */
    public static final class Total extends Retirable {
        private final AtomicLong spent = new AtomicLong();
        private final AtomicLong held = new AtomicLong();
        private final AtomicBoolean alerted = new AtomicBoolean();

        /** Holds {@code nanos} if the task's spend, its holds and {@code nanos} fit {@code limit}. */
        boolean tryHold(long nanos, long limit) {
            while (true) {
                long current = held.get();
                if (Money.sum(Money.read(spent), current, nanos) > limit) {
                    return false;
                }
                if (held.compareAndSet(current, current + nanos)) {
                    if (Money.sum(Money.read(spent), current, nanos) <= limit) {
                        return true;
                    }
                    held.addAndGet(-nanos); // a charge landed in between: no room after all
                    return false;
                }
            }
        }

        /** Gives back {@code nanos} held. */
        public void release(long nanos) {
            held.addAndGet(-nanos);
        }

        /** What the task has spent. */
        public long spent() {
            return Money.read(spent);
        }

        /** What the task holds. */
        public long held() {
            return held.get();
        }

        @Override
        protected boolean pinned(long now) {
            return held.get() > 0;
        }
    }
}
