package dev.agentsre.redact;

/**
 * A failure as it may be logged: it prints as the original (its class name, redacted message, stack
 * trace, causes and suppressed failures) but carries none of the original's secrets. At most
 * {@value #MAX_DEPTH} causes deep.
 */
final class RedactedFailure extends RuntimeException {

    private static final long serialVersionUID = 1L;
    static final int MAX_DEPTH = 16;

    private final String originalType;

    private RedactedFailure(String originalType, String message) {
        super(message);
        this.originalType = originalType;
    }

    static RedactedFailure of(Throwable failure, Redactor redactor, int depth) {
        String message = failure.getMessage();
        RedactedFailure copy = new RedactedFailure(failure.getClass().getName(), message == null ? null : redactor.redact(message));
        copy.setStackTrace(failure.getStackTrace());
        Throwable cause = failure.getCause();
        if (cause != null && cause != failure && depth < MAX_DEPTH) {
            copy.initCause(of(cause, redactor, depth + 1));
        }
        if (depth < MAX_DEPTH) {
            for (Throwable suppressed : failure.getSuppressed()) {
                copy.addSuppressed(of(suppressed, redactor, depth + 1));
            }
        }
        return copy;
    }

    @Override
    public String toString() {
        String message = getLocalizedMessage();
        return message == null ? originalType : originalType + ": " + message;
    }
}
