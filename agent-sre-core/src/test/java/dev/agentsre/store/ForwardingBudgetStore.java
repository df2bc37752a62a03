package dev.agentsre.store;

import java.time.Duration;
import java.util.List;

/**
 * A budget store that forwards every call (after {@link #beforeCall()}, a hook for tests that
 * simulate an outage), and runs {@code onClose} when closed.
 */
public class ForwardingBudgetStore implements BudgetStore {

    private final BudgetStore store;
    private final Runnable onClose;

    public ForwardingBudgetStore(BudgetStore store, Runnable onClose) {
        this.store = store;
        this.onClose = onClose;
    }

    /** Runs before every forwarded call; throw {@link StoreUnavailableException} to simulate an outage. */
    protected void beforeCall() {
    }

    @Override
    public ReserveResult reserve(String reservationId, List<ScopeLimit> scopes, long amountNanos, Duration lease) {
        beforeCall();
        return store.reserve(reservationId, scopes, amountNanos, lease);
    }

    @Override
    public SettleResult commit(String reservationId, long actualNanos) {
        beforeCall();
        return store.commit(reservationId, actualNanos);
    }

    @Override
    public SettleResult release(String reservationId) {
        beforeCall();
        return store.release(reservationId);
    }

    @Override
    public SettleResult charge(String chargeId, List<ScopeLimit> scopes, long amountNanos) {
        beforeCall();
        return store.charge(chargeId, scopes, amountNanos);
    }

    @Override
    public boolean renew(String reservationId, Duration lease) {
        beforeCall();
        return store.renew(reservationId, lease);
    }

    @Override
    public ScopeBalance balance(String key) {
        beforeCall();
        return store.balance(key);
    }

    @Override
    public void close() {
        onClose.run();
    }
}
