package dev.agentsre.docs;

import dev.agentsre.alert.Alert;
import dev.agentsre.alert.AlertManager;
import dev.agentsre.alert.AlertStatus;
import dev.agentsre.alert.InhibitRule;
import dev.agentsre.alert.NotificationLog;
import dev.agentsre.alert.Receiver;
import dev.agentsre.alert.Route;
import dev.agentsre.alert.Secret;
import dev.agentsre.alert.Severity;
import dev.agentsre.alert.Silence;
import dev.agentsre.event.SreEventBus;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;

/** What docs/alerting.md's Java fragments take as given. */
abstract class AlertingPage {

    SreEventBus bus;
    AlertManager alerts;
}
