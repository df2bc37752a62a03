package dev.agentsre.alert;

/** Where an {@link EventAlertMapping} rule sends the alerts it derives from an event. */
public interface AlertSink {

    /** Fires (or updates) an alert. */
    void fire(Alert alert);

    /** Resolves the alert with the same labels as {@code alert} (its severity and annotations do not matter); nothing if none fires. */
    void resolve(Alert alert);
}
