package dev.agentsre.event;

/**
 * Events of the alert manager ({@link dev.agentsre.alert.AlertManager}): what happened to its
 * notifications. They name receivers, never their URLs or keys.
 */
public sealed interface AlertEvent extends SreEvent permits NotificationDelivered, NotificationFailed, NotificationDropped, ReceiverDisabled {

    /** The receiver concerned. */
    String receiver();
}
