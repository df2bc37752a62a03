package dev.agentsre.store.internal;

import java.util.List;

/**
 * The whole state of an {@link InMemoryBudgetStore}, as the file and JDBC stores write it (JSON).
 * Not API.
 *
 * @param scopes every scope
 * @param entries every open reservation and remembered settled id
 */
public record BudgetState(List<ScopeRow> scopes, List<EntryRow> entries) {

    /** Copies the lists. */
    public BudgetState {
        scopes = List.copyOf(scopes);
        entries = List.copyOf(entries);
    }

    /** An empty state. */
    public static BudgetState empty() {
        return new BudgetState(List.of(), List.of());
    }

    /**
     * One scope.
     *
     * @param key its key
     * @param spent spent nano-dollars
     * @param held held nano-dollars
     * @param retainUntil epoch millis after which it may be dropped
     */
    public record ScopeRow(String key, long spent, long held, long retainUntil) {
    }

    /**
     * One reservation or settled id.
     *
     * @param id its id
     * @param state 0 held, 1 settled, 2 lease expired
     * @param amount the held estimate (or the charged amount)
     * @param keys its scopes' keys
     * @param retainUntil its scopes' retention, epoch millis
     * @param leaseExpiry epoch millis (held)
     * @param forgetAt epoch millis when the id is forgotten (settled, expired)
     */
    public record EntryRow(String id, int state, long amount, List<String> keys, List<Long> retainUntil, long leaseExpiry, long forgetAt) {

        /** Copies the lists. */
        public EntryRow {
            keys = List.copyOf(keys);
            retainUntil = List.copyOf(retainUntil);
        }
    }
}
