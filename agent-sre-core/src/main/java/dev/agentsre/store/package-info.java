/**
 * State that outlives one JVM: the budget store ({@link dev.agentsre.store.BudgetStore}: atomic
 * multi-scope reservations with leases, idempotent commits and charges), the flag store
 * ({@link dev.agentsre.store.FlagStore}: kill switches, quarantines, forced-open breakers) and the
 * SLO window store ({@link dev.agentsre.store.WindowStore}: bucket counts of constant size), with
 * in-memory ({@link dev.agentsre.store.StateStore#inMemory()}), file
 * ({@link dev.agentsre.store.FileStateStore}) and JDBC ({@link dev.agentsre.store.JdbcStateStore})
 * implementations and the failure policy of budgets ({@link dev.agentsre.store.BudgetFailurePolicy}).
 * The Redis implementations, shared by a fleet, are in {@code dev.agentsre.store.redis}.
 */
package dev.agentsre.store;
