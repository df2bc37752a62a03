package dev.agentsre.incident;

/**
 * An automatic response to an incident, run against the components in {@link Controls} by the
 * {@link IncidentManager} (on its response executor, never on an agent's thread) when an incident
 * reaches a severity or receives a signal type it is registered for, at most once per incident.
 * Its outcome — including a failure or an exception — is recorded on the incident's timeline and
 * published. The built-ins are in {@link Responses}.
 */
public interface Response {

    /** A short name for timelines and events, e.g. {@code open_circuit(top_dependency)}. */
    String name();

    /** Acts; returns what happened. An exception is recorded as FAILED with its message. */
    Result execute(Context context) throws Exception;

    /**
     * What a response did.
     *
     * @param status how it ended
     * @param target what it acted on (empty when nothing)
     * @param detail what happened, or why not
     */
    record Result(ResponseStatus status, String target, String detail) {

        /** Succeeded on {@code target}. */
        public static Result succeeded(String target, String detail) {
            return new Result(ResponseStatus.SUCCEEDED, target, detail);
        }

        /** Failed on {@code target}. */
        public static Result failed(String target, String detail) {
            return new Result(ResponseStatus.FAILED, target, detail);
        }

        /** Nothing done. */
        public static Result skipped(String detail) {
            return new Result(ResponseStatus.SKIPPED, "", detail);
        }
    }

    /**
     * What a response acts with.
     *
     * @param incident the incident
     * @param controls the components
     * @param manager the manager (for postmortems and runbooks)
     */
    record Context(Incident incident, Controls controls, IncidentManager manager) {
    }
}
