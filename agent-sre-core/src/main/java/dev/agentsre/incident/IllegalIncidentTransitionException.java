package dev.agentsre.incident;

/** A lifecycle move the incident's state does not allow (a step backwards, or out of a terminal state). */
public final class IllegalIncidentTransitionException extends IllegalStateException {

    private static final long serialVersionUID = 1L;

    private final String incidentId;
    private final IncidentState from;
    private final IncidentState to;

    IllegalIncidentTransitionException(String incidentId, IncidentState from, IncidentState to) {
        this(incidentId, from, to, "incident " + incidentId + " cannot go from " + from + " to " + to
                + (from.isTerminal() ? " (" + from + " is final)" : " (the lifecycle only moves forward)"));
    }

    IllegalIncidentTransitionException(String incidentId, IncidentState from, IncidentState to, String message) {
        super(message);
        this.incidentId = incidentId;
        this.from = from;
        this.to = to;
    }

    /** The incident. */
    public String incidentId() {
        return incidentId;
    }

    /** Its state. */
    public IncidentState from() {
        return from;
    }

    /** The refused target. */
    public IncidentState to() {
        return to;
    }
}
