package dev.agentsre.store;

import dev.agentsre.internal.Money;
import java.util.List;
import java.util.Objects;

/**
 * The answer to a {@link BudgetStore#reserve}: granted (held in every scope), or refused with the
 * first scope that had no room — in which case nothing is held anywhere.
 */
public final class ReserveResult {

    /** What happened to a reservation. */
    public enum Status {
        /** Held in every scope. A retried reserve of a reservation that is still open is granted again without a second hold. */
        GRANTED,
        /**
         * Admitted by this JVM alone while the store was unreachable, within its local fail-open cap
         * ({@link BudgetFailurePolicy#failOpen}); its commit is replayed to the store as a charge.
         */
        PROVISIONAL,
        /** Refused: a scope had no room ({@link #refusedScope()}), or the store is at its capacity. Nothing is held. */
        REFUSED,
        /** Refused: the id belongs to a reservation or charge that was settled already. Nothing is held. */
        SETTLED,
        /** Refused: the store could not be reached within its command timeout (fail closed). Nothing is held. */
        UNAVAILABLE
    }

    private final Status status;
    private final int refusedScope;
    private final List<ScopeBalance> balances;
    private final String reason;

    private ReserveResult(Status status, int refusedScope, List<ScopeBalance> balances, String reason) {
        this.status = status;
        this.refusedScope = refusedScope;
        this.balances = List.copyOf(balances);
        this.reason = reason;
    }

    /** Granted; {@code balances} after the hold, in scope order. */
    public static ReserveResult granted(List<ScopeBalance> balances) {
        return new ReserveResult(Status.GRANTED, -1, balances, "granted");
    }

    /** Admitted locally during an outage. */
    public static ReserveResult provisional(String reason) {
        return new ReserveResult(Status.PROVISIONAL, -1, List.of(), reason);
    }

    /**
     * Refused because scope {@code index} (of {@code scopes}) had no room for {@code amountNanos}
     * beside {@code balances} (before the request, in scope order).
     */
    public static ReserveResult refused(int index, List<ScopeLimit> scopes, List<ScopeBalance> balances, long amountNanos) {
        ScopeLimit scope = scopes.get(index);
        ScopeBalance balance = balances.get(index);
        String reason = "scope '" + scope.key() + "' has no room for " + Money.format(amountNanos) + ": spent "
                + Money.format(balance.spentNanos()) + " + held " + Money.format(balance.heldNanos()) + " of limit "
                + Money.format(scope.limitNanos());
        return new ReserveResult(Status.REFUSED, index, balances, reason);
    }

    /** Refused for a reason that is no scope's (the store is full). */
    public static ReserveResult refused(String reason) {
        return new ReserveResult(Status.REFUSED, -1, List.of(), reason);
    }

    /** Refused because the id was settled already. */
    public static ReserveResult settled(String reservationId) {
        return new ReserveResult(Status.SETTLED, -1, List.of(), "reservation '" + reservationId + "' was settled already");
    }

    /** Refused because the store could not be reached. */
    public static ReserveResult unavailable(String reason) {
        return new ReserveResult(Status.UNAVAILABLE, -1, List.of(), reason);
    }

    /** What happened. */
    public Status status() {
        return status;
    }

    /** Whether the amount may be spent: {@link Status#GRANTED} or {@link Status#PROVISIONAL}. */
    public boolean granted() {
        return status == Status.GRANTED || status == Status.PROVISIONAL;
    }

    /** Index of the scope that had no room, in the order given; -1 unless refused for a scope's limit. */
    public int refusedScope() {
        return refusedScope;
    }

    /**
     * Balances in scope order: after the hold when granted, before the request when refused for a
     * scope; empty otherwise.
     */
    public List<ScopeBalance> balances() {
        return balances;
    }

    /** Why, in words (names the refused scope, or says that the store was unreachable). */
    public String reason() {
        return reason;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ReserveResult r && status == r.status && refusedScope == r.refusedScope
                && balances.equals(r.balances) && reason.equals(r.reason);
    }

    @Override
    public int hashCode() {
        return Objects.hash(status, refusedScope, balances, reason);
    }

    @Override
    public String toString() {
        return "ReserveResult[" + status + ", " + reason + "]";
    }
}
