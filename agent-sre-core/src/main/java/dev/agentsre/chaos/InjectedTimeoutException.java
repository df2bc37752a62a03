package dev.agentsre.chaos;

/** Thrown by a {@link FaultType#TIMEOUT} fault after it has waited. */
public class InjectedTimeoutException extends InjectedFaultException {

    private static final long serialVersionUID = 1L;

    /** An injected timeout. */
    public InjectedTimeoutException(String message) {
        super("timeout", message);
    }
}
