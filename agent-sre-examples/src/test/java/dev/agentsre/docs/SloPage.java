package dev.agentsre.docs;

import dev.agentsre.event.SloStatusChanged;
import dev.agentsre.event.SreEventBus;
import dev.agentsre.slo.AlertSeverity;
import dev.agentsre.slo.BudgetEvents;
import dev.agentsre.slo.BurnRateAlert;
import dev.agentsre.slo.CalendarWindow;
import dev.agentsre.slo.ErrorBudget;
import dev.agentsre.slo.ExhaustionAction;
import dev.agentsre.slo.OpenSloLoader;
import dev.agentsre.slo.PercentileSli;
import dev.agentsre.slo.Refusal;
import dev.agentsre.slo.Sli;
import dev.agentsre.slo.SliValue;
import dev.agentsre.slo.Slis;
import dev.agentsre.slo.Slo;
import dev.agentsre.slo.SloEvaluator;
import dev.agentsre.slo.SloStatus;
import dev.agentsre.slo.SloTemplate;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneId;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import org.slf4j.Logger;

/** What docs/slo.md's Java fragments take as given. */
abstract class SloPage {

    Logger log;
    boolean succeeded;
    long elapsedMillis;
    SreEventBus bus;
    ScheduledExecutorService scheduler;
    Slo fleetWide;
    SloTemplate reliability;
    Path dir;
}
