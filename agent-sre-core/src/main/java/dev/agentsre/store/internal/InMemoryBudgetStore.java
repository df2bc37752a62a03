package dev.agentsre.store.internal;

import dev.agentsre.internal.Check;
import dev.agentsre.store.BudgetStore;
import dev.agentsre.store.ReserveResult;
import dev.agentsre.store.ScopeBalance;
import dev.agentsre.store.ScopeLimit;
import dev.agentsre.store.SettleResult;
import dev.agentsre.store.Settlement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A {@link BudgetStore} in this JVM's memory: the reference implementation of the contract, and
 * the state under the file and JDBC stores. Not API; obtain one from {@link BudgetStore#inMemory()}.
 *
 * <p><b>Concurrency.</b> One lock around each operation (a few map look-ups per scope; no user
 * code, no I/O under it).
 *
 * <p><b>Memory.</b> Bounded by three caps: at most {@code maxScopes} scopes (default
 * {@value #DEFAULT_MAX_SCOPES}; a scope is dropped after its {@code retainUntil}), at most
 * {@code maxOpenReservations} open reservations (default {@value #DEFAULT_MAX_OPEN}; a reserve beyond
 * it is refused, nothing is evicted), and at most {@code maxSettledIds} remembered settled ids
 * (default {@value #DEFAULT_MAX_SETTLED}; each kept for the idempotency window, the oldest forgotten
 * first when the cap is reached). About 200 bytes per scope and per id.
 */
public final class InMemoryBudgetStore implements BudgetStore {

    /** Default cap on scopes. */
    public static final int DEFAULT_MAX_SCOPES = 100_000;
    /** Default cap on open reservations. */
    public static final int DEFAULT_MAX_OPEN = 100_000;
    /** Default cap on remembered settled ids. */
    public static final int DEFAULT_MAX_SETTLED = 100_000;

    private static final long RETENTION_RECHECK_MILLIS = 60_000;
    static final byte HELD = 0;
    static final byte DONE = 1;
    static final byte EXPIRED = 2;

    private final Clock clock;
    private final long idempotencyMillis;
    private final int maxScopes;
    private final int maxOpen;
    private final int maxSettled;
    private final ReentrantLock lock = new ReentrantLock();
    private final Map<String, Scope> scopes = new HashMap<>();
    private final Map<String, Entry> entries = new HashMap<>();
    // What falls due, in time order; exactly one element per held entry, settled entry and scope.
    private final TreeSet<Due> leases = new TreeSet<>();
    private final TreeSet<Due> forgets = new TreeSet<>();
    private final TreeSet<Due> retentions = new TreeSet<>();
    private int open;
    private int settled;
    /** Bumped on every change, so a snapshotting owner knows whether to write. */
    private long version;

    private InMemoryBudgetStore(Builder b) {
        this.clock = Check.notNull("clock", b.clock);
        this.idempotencyMillis = Check.positive("idempotencyWindow", b.idempotencyWindow).toMillis();
        this.maxScopes = Check.positive("maxScopes", b.maxScopes);
        this.maxOpen = Check.positive("maxOpenReservations", b.maxOpen);
        this.maxSettled = Check.positive("maxSettledIds", b.maxSettled);
    }

    /** Starts a builder. */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    public ReserveResult reserve(String reservationId, List<ScopeLimit> scopeList, long amountNanos, Duration lease) {
        List<ScopeLimit> list = BudgetArgs.reserve(reservationId, scopeList, amountNanos, lease);
        lock.lock();
        try {
            long now = clock.millis();
            purge(now);
            Entry existing = entries.get(reservationId);
            if (existing != null) {
                return existing.state == HELD ? ReserveResult.granted(balances(existing.keys)) : ReserveResult.settled(reservationId);
            }
            List<ScopeBalance> before = new ArrayList<>(list.size());
            int missing = 0;
            for (ScopeLimit scope : list) {
                Scope s = scopes.get(scope.key());
                if (s == null) {
                    missing++;
                }
                before.add(s == null ? new ScopeBalance(scope.key(), 0, 0) : new ScopeBalance(scope.key(), s.spent, s.held));
            }
            for (int i = 0; i < list.size(); i++) {
                ScopeLimit scope = list.get(i);
                // spent + held + amount <= limit, written so that nothing overflows
                if (scope.limited() && before.get(i).usedNanos() > scope.limitNanos() - amountNanos) {
                    return ReserveResult.refused(i, list, before, amountNanos);
                }
            }
            if (open >= maxOpen) {
                return ReserveResult.refused("the budget store holds " + open + " open reservations, its cap (maxOpenReservations)");
            }
            if (scopes.size() + missing > maxScopes) {
                return ReserveResult.refused("the budget store holds " + scopes.size() + " scopes, its cap (maxScopes)");
            }
            String[] keys = new String[list.size()];
            long[] retain = new long[list.size()];
            for (int i = 0; i < list.size(); i++) {
                ScopeLimit scope = list.get(i);
                Scope s = scope(scope);
                s.held += amountNanos;
                keys[i] = scope.key();
                retain[i] = scope.retainUntil().toEpochMilli();
            }
            Entry entry = new Entry(HELD, amountNanos, keys, retain, now + lease.toMillis(), 0);
            entries.put(reservationId, entry);
            leases.add(new Due(entry.leaseExpiry, reservationId));
            open++;
            version++;
            return ReserveResult.granted(balances(keys));
        } finally {
            lock.unlock();
        }
    }

    @Override
    public SettleResult commit(String reservationId, long actualNanos) {
        BudgetArgs.commit(reservationId, actualNanos);
        return settle(reservationId, actualNanos, false);
    }

    @Override
    public SettleResult release(String reservationId) {
        BudgetArgs.id("reservationId", reservationId);
        return settle(reservationId, 0, true);
    }

    private SettleResult settle(String id, long actual, boolean release) {
        lock.lock();
        try {
            long now = clock.millis();
            purge(now);
            Entry entry = entries.get(id);
            if (entry == null) {
                return SettleResult.of(Settlement.UNKNOWN);
            }
            if (entry.state == DONE) {
                return new SettleResult(Settlement.REPEATED, balances(entry.keys));
            }
            boolean reclaimed = entry.state == EXPIRED;
            applySettle(id, entry, actual, release, now);
            if (reclaimed && release) {
                return new SettleResult(Settlement.REPEATED, balances(entry.keys)); // its lease already released it
            }
            return new SettleResult(Settlement.APPLIED, balances(entry.keys));
        } finally {
            lock.unlock();
        }
    }

    /** Settles a held or expired entry: drops a hold still there and adds the actual cost unless releasing. */
    private void applySettle(String id, Entry entry, long actual, boolean release, long now) {
        for (int i = 0; i < entry.keys.length; i++) {
            Scope s = scopes.get(entry.keys[i]);
            if (entry.state == HELD && s != null) {
                s.held -= entry.amount;
            }
            if (!release && actual > 0) {
                if (s == null) {
                    s = newScope(entry.keys[i], entry.retain[i]);
                }
                s.spent += actual;
            }
        }
        if (entry.state == HELD) {
            open--;
            leases.remove(new Due(entry.leaseExpiry, id));
        } else {
            forgets.remove(new Due(entry.forgetAt, id));
            settled--;
        }
        markDone(id, entry, now);
        version++;
    }

    @Override
    public SettleResult charge(String chargeId, List<ScopeLimit> scopeList, long amountNanos) {
        List<ScopeLimit> list = BudgetArgs.charge(chargeId, scopeList, amountNanos);
        lock.lock();
        try {
            long now = clock.millis();
            purge(now);
            Entry existing = entries.get(chargeId);
            if (existing != null) {
                if (existing.state == DONE) {
                    return new SettleResult(Settlement.REPEATED, balances(existing.keys));
                }
                // a reservation of this id landed (a replayed charge whose reserve did reach the store)
                applySettle(chargeId, existing, amountNanos, false, now);
                return new SettleResult(Settlement.APPLIED, balances(existing.keys));
            }
            int missing = 0;
            for (ScopeLimit scope : list) {
                if (!scopes.containsKey(scope.key())) {
                    missing++;
                }
            }
            if (scopes.size() + missing > maxScopes) {
                throw new IllegalStateException("the budget store holds " + scopes.size() + " scopes, its cap (maxScopes): charge '"
                        + chargeId + "' was not recorded");
            }
            String[] keys = new String[list.size()];
            long[] retain = new long[list.size()];
            for (int i = 0; i < list.size(); i++) {
                scope(list.get(i)).spent += amountNanos;
                keys[i] = list.get(i).key();
                retain[i] = list.get(i).retainUntil().toEpochMilli();
            }
            Entry entry = new Entry(DONE, amountNanos, keys, retain, 0, 0);
            entries.put(chargeId, entry);
            markDone(chargeId, entry, now);
            version++;
            return new SettleResult(Settlement.APPLIED, balances(keys));
        } finally {
            lock.unlock();
        }
    }

    @Override
    public boolean renew(String reservationId, Duration lease) {
        BudgetArgs.renew(reservationId, lease);
        lock.lock();
        try {
            long now = clock.millis();
            purge(now);
            Entry entry = entries.get(reservationId);
            if (entry == null || entry.state != HELD) {
                return false;
            }
            leases.remove(new Due(entry.leaseExpiry, reservationId));
            entry.leaseExpiry = now + lease.toMillis();
            leases.add(new Due(entry.leaseExpiry, reservationId));
            version++;
            return true;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public ScopeBalance balance(String key) {
        lock.lock();
        try {
            Scope s = scopes.get(key);
            return s == null ? new ScopeBalance(key, 0, 0) : new ScopeBalance(key, s.spent, s.held);
        } finally {
            lock.unlock();
        }
    }

    /** Open reservations now. */
    public int openReservations() {
        return (int) Locked.read(lock, () -> open);
    }

    /** Scopes kept now. */
    public int scopeCount() {
        return (int) Locked.read(lock, () -> scopes.size());
    }

    /** Settled ids remembered now. */
    public int settledIds() {
        return (int) Locked.read(lock, () -> settled);
    }

    /** A counter that changes whenever the state does. */
    public long version() {
        return Locked.read(lock, () -> version);
    }

    @Override
    public void close() {
        // nothing to release
    }

    // ---- state export, for the snapshotting stores ----

    /** A copy of the whole state. */
    public BudgetState exportState() {
        lock.lock();
        try {
            List<BudgetState.ScopeRow> scopeRows = new ArrayList<>(scopes.size());
            scopes.forEach((k, s) -> scopeRows.add(new BudgetState.ScopeRow(k, s.spent, s.held, s.retainUntil)));
            List<BudgetState.EntryRow> entryRows = new ArrayList<>(entries.size());
            entries.forEach((id, e) -> entryRows.add(new BudgetState.EntryRow(id, e.state, e.amount, List.of(e.keys),
                    toList(e.retain), e.leaseExpiry, e.forgetAt)));
            return new BudgetState(scopeRows, entryRows);
        } finally {
            lock.unlock();
        }
    }

    /** Replaces the whole state by {@code state} (at start-up). */
    public void importState(BudgetState state) {
        lock.lock();
        try {
            scopes.clear();
            entries.clear();
            leases.clear();
            forgets.clear();
            retentions.clear();
            open = 0;
            settled = 0;
            for (BudgetState.ScopeRow row : state.scopes()) {
                Scope s = newScope(row.key(), row.retainUntil());
                s.spent = row.spent();
                s.held = row.held();
            }
            for (BudgetState.EntryRow row : state.entries()) {
                long[] retain = row.retainUntil().stream().mapToLong(Long::longValue).toArray();
                Entry e = new Entry((byte) row.state(), row.amount(), row.keys().toArray(new String[0]), retain, row.leaseExpiry(), row.forgetAt());
                entries.put(row.id(), e);
                if (e.state == HELD) {
                    open++;
                    leases.add(new Due(e.leaseExpiry, row.id()));
                } else {
                    settled++;
                    forgets.add(new Due(e.forgetAt, row.id()));
                }
            }
            version++;
        } finally {
            lock.unlock();
        }
    }

    private static List<Long> toList(long[] values) {
        List<Long> list = new ArrayList<>(values.length);
        for (long v : values) {
            list.add(v);
        }
        return list;
    }

    // ---- internals; the lock is held ----

    private Scope scope(ScopeLimit limit) {
        Scope s = scopes.get(limit.key());
        long retain = limit.retainUntil().toEpochMilli();
        if (s == null) {
            return newScope(limit.key(), retain);
        }
        if (retain > s.retainUntil) {
            retentions.remove(new Due(s.retainUntil, limit.key()));
            s.retainUntil = retain;
            retentions.add(new Due(retain, limit.key()));
        }
        return s;
    }

    private Scope newScope(String key, long retainUntil) {
        Scope s = new Scope(retainUntil);
        scopes.put(key, s);
        retentions.add(new Due(retainUntil, key));
        return s;
    }

    private void markDone(String id, Entry entry, long now) {
        entry.state = DONE;
        entry.forgetAt = now + idempotencyMillis;
        settled++;
        forgets.add(new Due(entry.forgetAt, id));
        while (settled > maxSettled) {
            forgetOldest();
        }
    }

    private List<ScopeBalance> balances(String[] keys) {
        List<ScopeBalance> result = new ArrayList<>(keys.length);
        for (String key : keys) {
            Scope s = scopes.get(key);
            result.add(s == null ? new ScopeBalance(key, 0, 0) : new ScopeBalance(key, s.spent, s.held));
        }
        return result;
    }

    /** Reclaims expired leases, forgets settled ids past the window and scopes past their retention. */
    private void purge(long now) {
        Due due;
        while (!leases.isEmpty() && (due = leases.first()).at <= now) {
            leases.pollFirst();
            Entry e = entries.get(due.key);
            if (e != null && e.state == HELD) {
                for (String key : e.keys) {
                    Scope s = scopes.get(key);
                    if (s != null) {
                        s.held -= e.amount;
                    }
                }
                open--;
                // remembered as expired: a late commit still charges, a late release does nothing
                e.state = EXPIRED;
                e.forgetAt = now + idempotencyMillis;
                settled++;
                forgets.add(new Due(e.forgetAt, due.key));
                version++;
            }
        }
        while (settled > maxSettled) {
            forgetOldest();
        }
        while (!forgets.isEmpty() && (due = forgets.first()).at <= now) {
            forgets.pollFirst();
            Entry e = entries.get(due.key);
            if (e != null && e.state != HELD) {
                entries.remove(due.key);
                settled--;
                version++;
            }
        }
        while (!retentions.isEmpty() && (due = retentions.first()).at <= now) {
            retentions.pollFirst();
            Scope s = scopes.get(due.key);
            if (s == null) {
                continue;
            }
            if (s.held == 0) {
                scopes.remove(due.key);
                version++;
            } else {
                // a scope still holding money is kept until its holds settle (eviction never lifts enforcement)
                s.retainUntil = now + RETENTION_RECHECK_MILLIS;
                retentions.add(new Due(s.retainUntil, due.key));
            }
        }
    }

    private void forgetOldest() {
        Due due = forgets.pollFirst();
        if (due != null) {
            entries.remove(due.key);
            settled--;
            version++;
        }
    }

    private static final class Scope {
        long spent;
        long held;
        long retainUntil;

        Scope(long retainUntil) {
            this.retainUntil = retainUntil;
        }
    }

    private static final class Entry {
        byte state;
        final long amount;
        final String[] keys;
        final long[] retain;
        long leaseExpiry;
        long forgetAt;

        Entry(byte state, long amount, String[] keys, long[] retain, long leaseExpiry, long forgetAt) {
            this.state = state;
            this.amount = amount;
            this.keys = keys;
            this.retain = retain;
            this.leaseExpiry = leaseExpiry;
            this.forgetAt = forgetAt;
        }
    }

    private record Due(long at, String key) implements Comparable<Due> {
        @Override
        public int compareTo(Due o) {
            int c = Long.compare(at, o.at);
            return c != 0 ? c : key.compareTo(o.key);
        }
    }

    /**
     * Builder. Defaults: {@link Clock#systemUTC()}, an idempotency window of
     * {@value BudgetStore#DEFAULT_IDEMPOTENCY_HOURS} hour, the caps above.
     */
    public static final class Builder {
        private Clock clock = Clock.systemUTC();
        private Duration idempotencyWindow = Duration.ofHours(DEFAULT_IDEMPOTENCY_HOURS);
        private int maxScopes = DEFAULT_MAX_SCOPES;
        private int maxOpen = DEFAULT_MAX_OPEN;
        private int maxSettled = DEFAULT_MAX_SETTLED;

        private Builder() {
        }

        /** The clock of leases, idempotency and retention. */
        public Builder clock(Clock clock) {
            this.clock = clock;
            return this;
        }

        /** How long settled ids are remembered. */
        public Builder idempotencyWindow(Duration window) {
            this.idempotencyWindow = window;
            return this;
        }

        /** Cap on scopes. */
        public Builder maxScopes(int maxScopes) {
            this.maxScopes = maxScopes;
            return this;
        }

        /** Cap on open reservations. */
        public Builder maxOpenReservations(int maxOpen) {
            this.maxOpen = maxOpen;
            return this;
        }

        /** Cap on remembered settled ids. */
        public Builder maxSettledIds(int maxSettled) {
            this.maxSettled = maxSettled;
            return this;
        }

        /** Validates and builds. */
        public InMemoryBudgetStore build() {
            return new InMemoryBudgetStore(this);
        }
    }
}
