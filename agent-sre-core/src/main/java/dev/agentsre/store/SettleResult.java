package dev.agentsre.store;

import java.util.List;

/**
 * The result of a commit, a release or a charge.
 *
 * @param settlement what was done
 * @param balances the balances of the scopes involved after the operation, in the order they were
 *        given when reserved or charged; empty when nothing is known of them ({@link Settlement#UNKNOWN},
 *        {@link Settlement#QUEUED})
 */
public record SettleResult(Settlement settlement, List<ScopeBalance> balances) {

    /** Copies the balances. */
    public SettleResult {
        if (settlement == null) {
            throw new IllegalArgumentException("settlement must not be null");
        }
        balances = balances == null ? List.of() : List.copyOf(balances);
    }

    /** A result with no balances. */
    public static SettleResult of(Settlement settlement) {
        return new SettleResult(settlement, List.of());
    }

    /** Whether this call changed the store. */
    public boolean applied() {
        return settlement == Settlement.APPLIED;
    }
}
