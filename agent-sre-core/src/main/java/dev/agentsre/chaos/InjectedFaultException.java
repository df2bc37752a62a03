package dev.agentsre.chaos;

/**
 * The failure a chaos {@link Fault} injects when no exception type was supplied. Its message names
 * the error, the fault's target and the experiment, so an injected failure is never mistaken for a
 * real one in logs.
 */
public class InjectedFaultException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final String error;

    /** An injected failure named {@code error}. */
    public InjectedFaultException(String error, String message) {
        super(message);
        this.error = error;
    }

    /** The injected error's name, e.g. {@code timeout} or {@code connection_refused}. */
    public String error() {
        return error;
    }
}
