package dev.agentsre.cost.internal;

import dev.agentsre.internal.BoundedRegistry;
import dev.agentsre.internal.Money;

/**
 * What each task has spent and holds, for the per-task limit: at most {@code capacity} tasks, the
 * least recently used evicted first — but never one that holds a reservation (its limit is being
 * enforced right now). A task's check-and-hold is atomic: sixteen threads reserving $1 each for one
 * task under a $2 limit get exactly two grants, and a task's second $2 reservation is refused while
 * the first is open. Memory: about 150 bytes per task. Not API.
 */
public final class TaskTotals {

    /** Why a hold was refused, or that it was taken. */
    public enum Hold { TAKEN, NO_ROOM, FULL }

    private final BoundedRegistry<Key, Total> tasks;

    /** Totals of at most {@code capacity} tasks. */
    public TaskTotals(int capacity) {
        this.tasks = new BoundedRegistry<>(capacity, Total::tryRetire, null);
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
            synchronized (total) {
                if (total.retired) {
                    continue; // evicted between the lookup and the lock: the new entry
                }
                if (Money.sum(total.spent, total.held, nanos) > limit) {
                    holder[0] = total;
                    return Hold.NO_ROOM;
                }
                total.held += nanos;
                holder[0] = total;
                return Hold.TAKEN;
            }
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
            synchronized (total) {
                if (total.retired) {
                    continue;
                }
                total.spent = Money.sum(total.spent, nanos);
                boolean alert = total.spent > limit && !total.alerted;
                if (alert) {
                    total.alerted = true;
                }
                return new Charge(total.spent, alert);
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

    private record Key(String agentId, String taskId) {
    }

    /** One task's spend and holds; guarded by its own lock. */
    public static final class Total {
        private long spent;
        private long held;
        private boolean alerted;
        private boolean retired;

        /** Gives back {@code nanos} held. */
        public synchronized void release(long nanos) {
            held -= nanos;
        }

        /** What the task has spent. */
        public synchronized long spent() {
            return spent;
        }

        /** What the task holds. */
        public synchronized long held() {
            return held;
        }

        synchronized boolean tryRetire() {
            if (held > 0) {
                return false;
            }
            retired = true;
            return true;
        }
    }
}
