package dev.agentsre.store;

import java.time.Duration;
import java.util.List;

/** A budget store that forwards every call, and runs {@code onClose} when closed (tests). */
public final class ForwardingBudgetStore implements BudgetStore {

    private final BudgetStore store;
    private final Runnable onClose;

    public ForwardingBudgetStore(BudgetStore store, Runnable onClose) {
        this.store = store;
        this.onClose = onClose;
    }

    @Override
    public ReserveResult reserve(String reservationId, List<ScopeLimit> scopes, long amountNanos, Duration lease) {
        return store.reserve(reservationId, scopes, amountNanos, lease);
    }

    @Override
    public SettleResult commit(String reservationId, long actualNanos) {
        return store.commit(reservationId, actualNanos);
    }

    @Override
    public SettleResult release(String reservationId) {
        return store.release(reservationId);
    }

    @Override
    public SettleResult charge(String chargeId, List<ScopeLimit> scopes, long amountNanos) {
        return store.charge(chargeId, scopes, amountNanos);
    }

    @Override
    public boolean renew(String reservationId, Duration lease) {
        return store.renew(reservationId, lease);
    }

    @Override
    public ScopeBalance balance(String key) {
        return store.balance(key);
    }

    @Override
    public void close() {
        onClose.run();
    }
}
