package dev.agentsre.event;

/** Events published by an {@link dev.agentsre.slo.Slo} when it is evaluated. */
public sealed interface SloEvent extends SreEvent permits SloStatusChanged, BurnRateAlertFired, BurnRateAlertResolved {

    /** The SLO's name. */
    String sloName();
}
