package dev.agentsre.store;

import dev.agentsre.store.internal.InMemoryBudgetStore;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

/**
 * Where budget spend lives: per scope (a task, an agent's day, a tenant's or the organisation's
 * month), what is spent and what open reservations hold. One store may be shared by many JVMs
 * (Redis) or kept by one (in memory, a file, a JDBC table); every implementation gives the same
 * guarantees:
 * <ul>
 *   <li><b>All or nothing.</b> {@link #reserve} checks {@code spent + held + amount ≤ limit} in
 *       every limited scope and holds the amount in all of them, atomically — or refuses naming the
 *       first scope without room and holds nothing anywhere.</li>
 *   <li><b>Leases.</b> A reservation holds for its lease; one neither committed, released nor
 *       {@linkplain #renew renewed} by then (its JVM died) is reclaimed by the next reserve, and its
 *       amount can be reserved again. A commit that arrives after the reclaim still charges the
 *       actual cost (the money was spent).</li>
 *   <li><b>Idempotent by id.</b> A reservation id or a charge id is settled once: a second
 *       {@link #commit}, {@link #release} or {@link #charge} of the same id is
 *       {@link Settlement#REPEATED} and changes nothing; a repeated reserve of a reservation still
 *       open is granted without a second hold. Reservation ids and charge ids share one namespace.
 *       Settled ids are remembered for the store's idempotency window (default
 *       {@value #DEFAULT_IDEMPOTENCY_HOURS} hour: each settled id costs the store about 200 bytes
 *       for that long, so the window is what bounds a busy store's memory).</li>
 *   <li><b>Exact money.</b> Integer nano-dollars; an amount or limit is at most
 *       {@link #MAX_AMOUNT_NANOS} (about $9 million per scope and period), which every store,
 *       including Redis's Lua, computes exactly.</li>
 *   <li><b>Bounded.</b> A scope is kept until its {@link ScopeLimit#retainUntil()}; each
 *       implementation documents its caps.</li>
 * </ul>
 *
 * <p>Stores throw {@link StoreUnavailableException} when the backend cannot be reached within
 * their command timeout; {@link #withFailurePolicy} turns that into a refusal (fail closed) or a
 * bounded local admission (fail open) and replays what was spent when the store returns.
 * Implementations are thread-safe.
 */
public interface BudgetStore extends AutoCloseable {

    /** Largest amount or limit: 2<sup>53</sup> − 1 nano-dollars (about $9,007,199.25). */
    long MAX_AMOUNT_NANOS = (1L << 53) - 1;
    /** Most scopes in one reservation or charge. */
    int MAX_SCOPES = 16;
    /** Longest reservation or charge id. */
    int MAX_ID_LENGTH = 256;
    /** Longest lease. */
    Duration MAX_LEASE = Duration.ofDays(30);
    /** Default idempotency window, in hours. */
    int DEFAULT_IDEMPOTENCY_HOURS = 1;

    /**
     * Holds {@code amountNanos} in every scope, or refuses. Reclaims expired leases first.
     *
     * @param reservationId the reservation's id (unique; reused only to retry this same reservation)
     * @param scopes the scopes to hold in, 1 to {@link #MAX_SCOPES}, distinct keys
     * @param amountNanos the estimate, 0 to {@link #MAX_AMOUNT_NANOS}
     * @param lease how long the hold lasts without a commit, release or renewal
     * @throws IllegalArgumentException naming the parameter if any argument is invalid (nothing is held)
     * @throws StoreUnavailableException if the store cannot be reached
     */
    ReserveResult reserve(String reservationId, List<ScopeLimit> scopes, long amountNanos, Duration lease);

    /**
     * Replaces the hold of reservation {@code reservationId} by its actual cost (which may exceed
     * the estimate): {@link Settlement#APPLIED} once, {@link Settlement#REPEATED} after that.
     * A reservation whose lease was reclaimed is still charged.
     *
     * @throws IllegalArgumentException if the id is invalid or the amount out of range
     * @throws StoreUnavailableException if the store cannot be reached
     */
    SettleResult commit(String reservationId, long actualNanos);

    /**
     * Drops the hold of reservation {@code reservationId} without a charge (idempotent).
     *
     * @throws StoreUnavailableException if the store cannot be reached
     */
    SettleResult release(String reservationId);

    /**
     * Adds {@code amountNanos} to the spend of every scope, once per {@code chargeId}, with no limit
     * check (the money was spent). If {@code chargeId} names a reservation still open, it is
     * committed with this amount instead (so a replayed charge and a reservation that did land are
     * never counted twice).
     *
     * @throws IllegalArgumentException naming the parameter if any argument is invalid (nothing is charged)
     * @throws StoreUnavailableException if the store cannot be reached
     */
    SettleResult charge(String chargeId, List<ScopeLimit> scopes, long amountNanos);

    /**
     * Extends the lease of an open reservation to {@code lease} from now (a long task). Returns
     * whether the reservation was open.
     *
     * @throws StoreUnavailableException if the store cannot be reached
     */
    boolean renew(String reservationId, Duration lease);

    /**
     * What scope {@code key} has spent and holds now (zero for a key the store does not know).
     *
     * @throws StoreUnavailableException if the store cannot be reached
     */
    ScopeBalance balance(String key);

    /** Committed and charged spend of scope {@code key}, nano-dollars. */
    default long spent(String key) {
        return balance(key).spentNanos();
    }

    /** What open reservations hold in scope {@code key}, nano-dollars. */
    default long held(String key) {
        return balance(key).heldNanos();
    }

    /**
     * This store behind a failure policy: when it cannot be reached, reserves are refused
     * ({@link BudgetFailurePolicy#failClosed()}) or admitted up to a local cap
     * ({@link BudgetFailurePolicy#failOpen}); commits, releases and charges that fail are queued and
     * replayed idempotently when the store answers again.
     */
    default FailurePolicyBudgetStore withFailurePolicy(BudgetFailurePolicy policy) {
        return new FailurePolicyBudgetStore(this, policy);
    }

    /** Releases the store's resources (connections, threads); a persistent store writes its state. */
    @Override
    void close();

    /**
     * A store in this JVM's memory on the system clock: exact and atomic, shared by nothing, lost on
     * exit. Bounds: see {@link InMemoryBudgetStore}.
     */
    static BudgetStore inMemory() {
        return inMemory(Clock.systemUTC());
    }

    /** An in-memory store whose leases and retention follow {@code clock}. */
    static BudgetStore inMemory(Clock clock) {
        return InMemoryBudgetStore.builder().clock(clock).build();
    }
}
