package dev.agentsre.store;

import dev.agentsre.internal.Check;
import dev.agentsre.internal.Money;
import dev.agentsre.store.internal.BudgetArgs;
import dev.agentsre.store.internal.Locked;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link BudgetStore} behind a {@link BudgetFailurePolicy}: what a budget does while its store is
 * unreachable. Obtain one from {@link BudgetStore#withFailurePolicy}.
 *
 * <ul>
 *   <li>A reserve that cannot reach the store is refused ({@link ReserveResult.Status#UNAVAILABLE},
 *       fail closed) or admitted locally ({@link ReserveResult.Status#PROVISIONAL}, fail open) while
 *       this JVM's outstanding provisional spend stays within the policy's cap. A release of that
 *       id is queued too, in case the reserve did reach the store before its reply was lost.</li>
 *   <li>A commit, release or charge that cannot reach the store is queued
 *       ({@link Settlement#QUEUED}); the commit of a provisional reservation is queued as a charge
 *       of its id. Queued entries are replayed in order, at most every
 *       {@link BudgetFailurePolicy#retryInterval()}, before the next operation and by
 *       {@link #replayQueued()}. Every entry is idempotent by its id, so an entry whose reply was
 *       lost and is replayed again is counted once.</li>
 * </ul>
 *
 * <p><b>Memory.</b> At most {@link BudgetFailurePolicy#maxQueued()} queued entries and provisional
 * reservations together. When the queue is full a failed commit or charge is dropped and logged
 * (its money is missing from the shared view; {@link #droppedEntries()} counts them) — provisional
 * admissions stop before that point, so a provisional reservation's own commit always has room.
 *
 * <p>Thread-safe. The store is called outside this class's lock; one thread replays at a time.
 */
public final class FailurePolicyBudgetStore implements BudgetStore {

    private static final Logger LOG = LoggerFactory.getLogger(FailurePolicyBudgetStore.class);
    /** Most entries replayed before an operation; {@link #replayQueued()} replays all. */
    static final int REPLAY_BATCH = 100;

    private final BudgetStore store;
    private final BudgetFailurePolicy policy;
    private final LongSupplier nanoTime;
    private final ReentrantLock lock = new ReentrantLock();
    private final ReentrantLock replayLock = new ReentrantLock();
    private final ArrayDeque<Pending> queue = new ArrayDeque<>();
    private final Map<String, Provisional> provisional = new HashMap<>();
    private long outstandingNanos;
    private long dropped;
    /** {@code queue.size()}, readable without the lock: the hot path only looks at it. */
    private volatile int queuedCount;
    private volatile long lastFailureNanos;
    private volatile boolean failedRecently;

    FailurePolicyBudgetStore(BudgetStore store, BudgetFailurePolicy policy) {
        this(store, policy, System::nanoTime);
    }

    FailurePolicyBudgetStore(BudgetStore store, BudgetFailurePolicy policy, LongSupplier nanoTime) {
        this.store = Check.notNull("store", store);
        this.policy = Check.notNull("policy", policy);
        this.nanoTime = nanoTime;
    }

    /** The policy applied. */
    public BudgetFailurePolicy policy() {
        return policy;
    }

    @Override
    public ReserveResult reserve(String reservationId, List<ScopeLimit> scopes, long amountNanos, Duration lease) {
        List<ScopeLimit> list = BudgetArgs.reserve(reservationId, scopes, amountNanos, lease);
        maybeReplay();
        try {
            ReserveResult result = store.reserve(reservationId, list, amountNanos, lease);
            succeeded();
            return result;
        } catch (StoreUnavailableException e) {
            failed();
            String outage = "budget store unreachable (" + e.getMessage() + ")";
            lock.lock();
            try {
                if (provisional.containsKey(reservationId)) {
                    return ReserveResult.provisional(outage + ": admitted locally again");
                }
                if (!policy.failsOpen()) {
                    enqueue(new Pending(Op.RELEASE, reservationId, null, 0), false);
                    return ReserveResult.unavailable(outage + ": refused (fail closed)");
                }
                if (outstandingNanos > policy.maxLocalSpendNanos() - amountNanos) {
                    enqueue(new Pending(Op.RELEASE, reservationId, null, 0), false);
                    return ReserveResult.unavailable(outage + ": refused, this JVM's fail-open cap of "
                            + Money.format(policy.maxLocalSpendNanos()) + " is used up (" + Money.format(outstandingNanos) + " outstanding)");
                }
                if (queue.size() + provisional.size() >= policy.maxQueued()) {
                    return ReserveResult.unavailable(outage + ": refused, the replay queue is full (" + policy.maxQueued() + ")");
                }
                provisional.put(reservationId, new Provisional(list, amountNanos));
                outstandingNanos += amountNanos;
                return ReserveResult.provisional(outage + ": admitted locally (fail open), " + Money.format(outstandingNanos)
                        + " of " + Money.format(policy.maxLocalSpendNanos()) + " outstanding");
            } finally {
                lock.unlock();
            }
        }
    }

    @Override
    public SettleResult commit(String reservationId, long actualNanos) {
        BudgetArgs.commit(reservationId, actualNanos);
        lock.lock();
        try {
            Provisional p = provisional.remove(reservationId);
            if (p != null) {
                outstandingNanos += actualNanos - p.amountNanos;
                enqueue(new Pending(Op.CHARGE, reservationId, p.scopes, actualNanos), true);
                return SettleResult.of(Settlement.QUEUED);
            }
        } finally {
            lock.unlock();
        }
        maybeReplay();
        try {
            SettleResult result = store.commit(reservationId, actualNanos);
            succeeded();
            return result;
        } catch (StoreUnavailableException e) {
            failed();
            return queue(new Pending(Op.COMMIT, reservationId, null, actualNanos), e);
        }
    }

    @Override
    public SettleResult release(String reservationId) {
        BudgetArgs.id("reservationId", reservationId);
        lock.lock();
        try {
            Provisional p = provisional.remove(reservationId);
            if (p != null) {
                outstandingNanos -= p.amountNanos;
                enqueue(new Pending(Op.RELEASE, reservationId, null, 0), true);
                return SettleResult.of(Settlement.QUEUED);
            }
        } finally {
            lock.unlock();
        }
        maybeReplay();
        try {
            SettleResult result = store.release(reservationId);
            succeeded();
            return result;
        } catch (StoreUnavailableException e) {
            failed();
            return queue(new Pending(Op.RELEASE, reservationId, null, 0), e);
        }
    }

    @Override
    public SettleResult charge(String chargeId, List<ScopeLimit> scopes, long amountNanos) {
        List<ScopeLimit> list = BudgetArgs.charge(chargeId, scopes, amountNanos);
        maybeReplay();
        try {
            SettleResult result = store.charge(chargeId, list, amountNanos);
            succeeded();
            return result;
        } catch (StoreUnavailableException e) {
            failed();
            lock.lock();
            try {
                outstandingNanos += amountNanos; // spent here and not yet in the shared view
            } finally {
                lock.unlock();
            }
            return queue(new Pending(Op.CHARGE, chargeId, list, amountNanos), e);
        }
    }

    @Override
    public boolean renew(String reservationId, Duration lease) {
        BudgetArgs.renew(reservationId, lease);
        lock.lock();
        try {
            if (provisional.containsKey(reservationId)) {
                return true;
            }
        } finally {
            lock.unlock();
        }
        try {
            boolean renewed = store.renew(reservationId, lease);
            succeeded();
            return renewed;
        } catch (StoreUnavailableException e) {
            failed();
            // the lease may lapse during the outage: the hold is then reclaimed and a late commit still charges
            LOG.warn("Could not renew the lease of reservation '{}': {}", reservationId, e.getMessage());
            return false;
        }
    }

    @Override
    public ScopeBalance balance(String key) {
        return store.balance(key);
    }

    /**
     * Replays every queued entry now, in order, until the store fails again (after waiting for a
     * replay another thread is running). Returns how many this call replayed.
     */
    public int replayQueued() {
        replayLock.lock();
        try {
            return replay(Integer.MAX_VALUE);
        } finally {
            replayLock.unlock();
        }
    }

    /** Entries waiting for the store (queued commits, releases and charges). */
    public int queued() {
        return (int) Locked.read(lock, () -> queue.size());
    }

    /**
     * This JVM's spend that the store does not know yet: provisional holds plus queued charges,
     * nano-dollars (what counts against the fail-open cap).
     */
    public long outstandingNanos() {
        return Locked.read(lock, () -> outstandingNanos);
    }

    /** Failed commits and charges dropped because the queue was full. */
    public long droppedEntries() {
        return Locked.read(lock, () -> dropped);
    }

    /** Replays what it can, logs what is left, and closes the store. */
    @Override
    public void close() {
        replayQueued();
        lock.lock();
        try {
            if (!queue.isEmpty() || !provisional.isEmpty()) {
                long money = queue.stream().filter(p -> p.op != Op.RELEASE).mapToLong(p -> p.amountNanos).sum();
                LOG.error("Closing with {} budget entries the store never received ({} of spend, {} provisional reservations)",
                        queue.size(), Money.format(money), provisional.size());
            }
        } finally {
            lock.unlock();
        }
        store.close();
    }

    private SettleResult queue(Pending pending, StoreUnavailableException e) {
        lock.lock();
        try {
            if (!enqueue(pending, false)) {
                LOG.error("Budget store unreachable ({}) and the replay queue is full ({}): {} of '{}' dropped",
                        e.getMessage(), policy.maxQueued(), pending.op, pending.id);
                return SettleResult.of(Settlement.UNKNOWN);
            }
            return SettleResult.of(Settlement.QUEUED);
        } finally {
            lock.unlock();
        }
    }

    /** Adds to the queue (lock held); {@code reserved} entries use the room kept for provisional reservations. */
    private boolean enqueue(Pending pending, boolean reserved) {
        if (!reserved && queue.size() + provisional.size() >= policy.maxQueued()) {
            if (pending.op != Op.RELEASE) {
                dropped++;
                if (pending.op == Op.CHARGE) {
                    outstandingNanos -= pending.amountNanos;
                }
            }
            return false; // a dropped release is harmless: the lease reclaims the hold
        }
        queue.addLast(pending);
        queuedCount = queue.size();
        return true;
    }

    private void maybeReplay() {
        if (queuedCount > 0 && (!failedRecently || nanoTime.getAsLong() - lastFailureNanos >= policy.retryInterval().toNanos())
                && replayLock.tryLock()) { // someone replaying already: do not wait for them on the hot path
            try {
                replay(REPLAY_BATCH);
            } finally {
                replayLock.unlock();
            }
        }
    }

    /** Replays up to {@code max} entries; the replay lock is held. */
    private int replay(int max) {
        int replayed = 0;
        while (replayed < max) {
            Pending next;
            lock.lock();
            try {
                next = queue.peekFirst();
            } finally {
                lock.unlock();
            }
            if (next == null) {
                break;
            }
            try {
                switch (next.op) {
                    case COMMIT -> store.commit(next.id, next.amountNanos);
                    case RELEASE -> store.release(next.id);
                    case CHARGE -> store.charge(next.id, next.scopes, next.amountNanos);
                    default -> throw new IllegalStateException("unknown operation " + next.op);
                }
            } catch (StoreUnavailableException e) {
                failed();
                break;
            } catch (RuntimeException e) {
                // the store rejects the entry for good (it can never be replayed): log it and move on
                LOG.error("Dropping queued budget {} of '{}': the store rejected it", next.op, next.id, e);
            }
            lock.lock();
            try {
                queue.pollFirst(); // only the replayer removes, so the head is still `next`
                queuedCount = queue.size();
                if (next.op == Op.CHARGE) {
                    outstandingNanos -= next.amountNanos;
                }
            } finally {
                lock.unlock();
            }
            replayed++;
        }
        if (replayed > 0) {
            succeeded();
        }
        return replayed;
    }

    private void failed() {
        lastFailureNanos = nanoTime.getAsLong();
        failedRecently = true;
    }

    private void succeeded() {
        if (failedRecently) {
            failedRecently = false;
        }
    }

    private enum Op { COMMIT, RELEASE, CHARGE }

    private record Pending(Op op, String id, List<ScopeLimit> scopes, long amountNanos) {
    }

    private record Provisional(List<ScopeLimit> scopes, long amountNanos) {
    }
}
