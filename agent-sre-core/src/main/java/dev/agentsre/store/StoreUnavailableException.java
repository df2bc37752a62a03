package dev.agentsre.store;

/**
 * A store could not be reached, or did not answer within its command timeout. Stores throw it from
 * every operation that needs the backend; the components that use a store apply their failure
 * policy to it (a budget store wrapped by {@link BudgetStore#withFailurePolicy} refuses or admits
 * provisionally; a flag store keeps serving the last values it read). Unchecked.
 */
public class StoreUnavailableException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** An outage described by {@code message}, caused by {@code cause} (may be null). */
    public StoreUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
