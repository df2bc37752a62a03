package dev.agentsre.store;

/**
 * What a budget scope has spent and holds, as the store saw it in one operation.
 *
 * @param key the scope's key
 * @param spentNanos committed and charged spend, nano-dollars
 * @param heldNanos what open reservations hold, nano-dollars
 */
public record ScopeBalance(String key, long spentNanos, long heldNanos) {

    /** {@code spent + held}: what counts against the limit. */
    public long usedNanos() {
        return spentNanos + heldNanos;
    }
}
