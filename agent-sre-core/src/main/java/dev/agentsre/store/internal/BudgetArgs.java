package dev.agentsre.store.internal;

import dev.agentsre.internal.Money;
import dev.agentsre.store.BudgetStore;
import dev.agentsre.store.ScopeLimit;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** The argument checks every {@link BudgetStore} applies, so that all of them reject the same input. Not API. */
public final class BudgetArgs {

    private BudgetArgs() {
    }

    /** A reservation or charge id: 1 to {@link BudgetStore#MAX_ID_LENGTH} characters, no control characters. */
    public static String id(String name, String id) {
        if (id == null || id.isEmpty() || id.length() > BudgetStore.MAX_ID_LENGTH) {
            throw new IllegalArgumentException(name + " must be 1 to " + BudgetStore.MAX_ID_LENGTH + " characters, got "
                    + (id == null ? "null" : id.length() + " characters"));
        }
        for (int i = 0; i < id.length(); i++) {
            if (Character.isISOControl(id.charAt(i))) {
                throw new IllegalArgumentException(name + " must not contain control characters, got '"
                        + id.replaceAll("\\p{Cntrl}", "?") + "'");
            }
        }
        return id;
    }

    /** An amount in [0, {@link BudgetStore#MAX_AMOUNT_NANOS}]. */
    public static long amount(String name, long nanos) {
        if (nanos < 0 || nanos > BudgetStore.MAX_AMOUNT_NANOS) {
            throw new IllegalArgumentException(name + " must be 0 to " + BudgetStore.MAX_AMOUNT_NANOS + " nano-dollars ("
                    + Money.format(BudgetStore.MAX_AMOUNT_NANOS) + "), got " + nanos);
        }
        return nanos;
    }

    /** 1 to {@link BudgetStore#MAX_SCOPES} scopes with distinct keys and limits within range. */
    public static List<ScopeLimit> scopes(List<ScopeLimit> scopes) {
        if (scopes == null || scopes.isEmpty() || scopes.size() > BudgetStore.MAX_SCOPES) {
            throw new IllegalArgumentException("scopes must hold 1 to " + BudgetStore.MAX_SCOPES + " scopes, got "
                    + (scopes == null ? "null" : scopes.size()));
        }
        Set<String> keys = new HashSet<>();
        for (ScopeLimit scope : scopes) {
            if (scope == null) {
                throw new IllegalArgumentException("scopes must not contain null");
            }
            if (!keys.add(scope.key())) {
                throw new IllegalArgumentException("scopes must have distinct keys, got '" + scope.key() + "' twice");
            }
            if (scope.limited() && scope.limitNanos() > BudgetStore.MAX_AMOUNT_NANOS) {
                throw new IllegalArgumentException("limit of scope '" + scope.key() + "' must be at most "
                        + BudgetStore.MAX_AMOUNT_NANOS + " nano-dollars, got " + scope.limitNanos());
            }
        }
        return List.copyOf(scopes);
    }

    /** A lease in (0, {@link BudgetStore#MAX_LEASE}], at least one millisecond. */
    public static Duration lease(Duration lease) {
        if (lease == null || lease.compareTo(Duration.ofMillis(1)) < 0 || lease.compareTo(BudgetStore.MAX_LEASE) > 0) {
            throw new IllegalArgumentException("lease must be 1 ms to " + BudgetStore.MAX_LEASE.toDays() + " days, got " + lease);
        }
        return lease;
    }

    /** Checks a reserve's arguments; returns a copy of the scopes. */
    public static List<ScopeLimit> reserve(String reservationId, List<ScopeLimit> scopes, long amountNanos, Duration lease) {
        id("reservationId", reservationId);
        List<ScopeLimit> list = scopes(scopes);
        amount("amountNanos", amountNanos);
        lease(lease);
        return list;
    }

    /** Checks a charge's arguments; returns a copy of the scopes. */
    public static List<ScopeLimit> charge(String chargeId, List<ScopeLimit> scopes, long amountNanos) {
        id("chargeId", chargeId);
        List<ScopeLimit> list = scopes(scopes);
        amount("amountNanos", amountNanos);
        return list;
    }

    /** Checks a commit's arguments. */
    public static void commit(String reservationId, long actualNanos) {
        id("reservationId", reservationId);
        amount("actualNanos", actualNanos);
    }

    /** Checks a renewal's arguments. */
    public static void renew(String reservationId, Duration lease) {
        id("reservationId", reservationId);
        lease(lease);
    }
}
