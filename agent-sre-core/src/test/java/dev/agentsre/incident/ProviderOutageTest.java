package dev.agentsre.incident;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.agentsre.alert.AlertManager;
import dev.agentsre.alert.Receiver;
import dev.agentsre.alert.Route;
import dev.agentsre.alert.Secret;
import dev.agentsre.breaker.CircuitBreaker;
import dev.agentsre.breaker.CircuitBreakerConfig;
import dev.agentsre.breaker.CircuitBreakerRegistry;
import dev.agentsre.cost.CostGuard;
import dev.agentsre.event.SreEventBus;
import dev.agentsre.slo.AlertSeverity;
import dev.agentsre.slo.BurnRateAlert;
import dev.agentsre.slo.ErrorBudget;
import dev.agentsre.slo.Slo;
import dev.agentsre.testing.LocalHttpReceiver;
import dev.agentsre.testing.ManualScheduledExecutor;
import dev.agentsre.testing.ManualClock;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The demo's provider outage, end to end on a test clock: seven agents share the model
 * {@code gpt-4o}; it fails for 15 minutes; the dependency breaker opens, seven SLOs burn at once,
 * the alert manager and incident manager hear it all on one bus — and deliver one incident, one
 * PagerDuty trigger, one Slack message per group, and one resolve of each, to real HTTP receivers
 * on 127.0.0.1.
 */
class ProviderOutageTest {

    private static final Instant T0 = Instant.parse("2026-11-25T08:00:00Z");
    private static final Instant OUTAGE_START = T0.plus(Duration.ofMinutes(10));
    private static final Instant OUTAGE_END = OUTAGE_START.plus(Duration.ofMinutes(15));
    private static final String MODEL = "gpt-4o";

    private final ManualClock clock = ManualClock.at(T0.minus(Duration.ofHours(2)));
    private final ManualScheduledExecutor scheduler = new ManualScheduledExecutor(clock);
    private final LocalHttpReceiver slack = LocalHttpReceiver.answering(200, "ok");
    private final LocalHttpReceiver pagerDuty = LocalHttpReceiver.answering(202, "{\"status\":\"success\"}");
    private AlertManager alerts;
    private IncidentManager incidents;

    @AfterEach
    void stop() {
        alerts.close();
        incidents.close();
        slack.close();
        pagerDuty.close();
    }

    @Test
    void oneIncidentOnePageOneSlackMessagePerGroupAndOneResolveOfEach() {
        SreEventBus bus = new SreEventBus();
        DependencyTopology topology = DependencyTopology.builder().clock(clock).build();
        CircuitBreakerRegistry dependencyBreakers = CircuitBreakerRegistry.of(CircuitBreakerConfig.builder().failureThreshold(5)
                .recoveryTimeout(Duration.ofSeconds(30)).clock(clock).build(), bus);
        CostGuard costs = CostGuard.builder().perAgentDailyLimit(1_000).clock(clock).eventBus(bus).build();

        List<String> agents = new ArrayList<>();
        List<Slo> slos = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            String agent = "agent-" + i;
            agents.add(agent);
            ErrorBudget budget = ErrorBudget.builder().target(0.999).window(Duration.ofDays(30)).burnRateAlert(0).burnRateCritical(0)
                    .multiWindowAlerts(false).alert(BurnRateAlert.multiWindow("fast_burn", 14.4, AlertSeverity.CRITICAL,
                            Duration.ofHours(1), Duration.ofMinutes(5)))
                    .clock(clock).build();
            budget.recordEvents(1_000_000, 0); // a month of good history: the outage burns fast but never exhausts
            slos.add(Slo.builder(agent + "-reliability").agentId(agent).errorBudget(budget).eventBus(bus).clock(clock).build());
        }
        clock.set(T0); // the history is older than the alert's one-hour window

        alerts = AlertManager.builder()
                .route(Route.root("chat").groupBy("alertname")
                        .child(Route.match("alertname", "AgentSreIncident").receiver("pager").groupBy("incident_id").continueMatching(true)))
                .receiver(Receiver.slack("chat", Secret.url(slack.url("/services/T000/B000/XXXX"))))
                .receiver(Receiver.pagerDuty("pager", Secret.of("R0UT1NGKEYR0UT1NGKEYR0UT1NGKEY12"))
                        .eventsUrl(pagerDuty.uri().resolve("/v2/enqueue")))
                .clock(clock).scheduler(scheduler).eventBus(bus).build();
        incidents = IncidentManager.builder().topology(topology).slos(slos).eventBus(bus).clock(clock)
                .responseExecutor(Runnable::run).build();
        bus.subscribe(alerts);
        bus.subscribe(incidents);

        long task = 0;
        for (Instant now = T0.plusSeconds(1); !now.isAfter(OUTAGE_END.plus(Duration.ofMinutes(25))); now = now.plusSeconds(1)) {
            scheduler.advanceTo(now);
            boolean providerUp = now.isBefore(OUTAGE_START) || !now.isBefore(OUTAGE_END);
            for (int i = 0; i < agents.size(); i++) {
                String agent = agents.get(i);
                CircuitBreaker breaker = dependencyBreakers.get(MODEL);
                boolean ok = false;
                if (breaker.tryAcquirePermission()) { // what the pipeline's dependency guard does
                    if (providerUp) {
                        breaker.recordSuccess();
                        ok = true;
                    } else {
                        breaker.recordFailure();
                    }
                }
                topology.observe(agent, DependencyKind.MODEL, MODEL, ok, now); // what the pipeline's call hook reports
                topology.observe(agent, DependencyKind.TOOL, i < 4 ? "search" : "sql", true, now);
                slos.get(i).recordEvent(ok);
                if (ok) {
                    costs.recordCost(agent, "task-" + (++task), 0.013);
                }
            }
        }
        scheduler.advanceTo(clock.instant().plus(Duration.ofMinutes(10)));

        // One incident, with the shared model as the top hint.
        List<Incident> all = incidents.all();
        assertThat(all).hasSize(1);
        Incident incident = all.get(0);
        assertThat(incident.agents()).containsExactlyInAnyOrderElementsOf(agents);
        assertThat(incident.severity()).isEqualTo(IncidentSeverity.SEV2);
        assertThat(incident.state()).isEqualTo(IncidentState.RESOLVED);
        assertThat(incident.title()).isEqualTo("7 agents: dependency gpt-4o failing");
        RootCauseHint top = incident.hints().get(0);
        assertThat(top.type()).isEqualTo(RootCauseHint.Type.DEPENDENCY);
        assertThat(top.subject()).isEqualTo(MODEL);
        assertThat(top.score()).isEqualTo(1.0);
        assertThat(incident.hints()).noneMatch(h -> h.type() == RootCauseHint.Type.DEPENDENCY && !h.subject().equals(MODEL)
                && h.score() >= top.score());
        // The impact began with the first failed call, before the breaker and the burn alerts noticed.
        assertThat(incident.impactStart()).isEqualTo(OUTAGE_START);
        assertThat(incident.detectedAt()).isAfterOrEqualTo(OUTAGE_START);
        assertThat(incident.timeToDetect()).isLessThan(Duration.ofMinutes(2));
        assertThat(incident.impact().failedTasks()).isPositive();

        // PagerDuty: one trigger, one resolve, same dedup key.
        List<JsonNode> pages = pagerDuty.requests().stream().map(LocalHttpReceiver.Request::json).collect(Collectors.toList());
        assertThat(pages).extracting(p -> p.get("event_action").asText()).containsExactly("trigger", "resolve");
        assertThat(pages.get(0).get("dedup_key").asText()).isEqualTo(pages.get(1).get("dedup_key").asText());
        assertThat(pages.get(0).get("payload").get("severity").asText()).isEqualTo("critical");
        assertThat(pages.get(0).get("payload").get("summary").asText()).contains("AgentSreIncident").contains(incident.id());

        // Slack: per group exactly one firing and one resolved message.
        Map<String, List<String>> byGroup = new HashMap<>();
        for (LocalHttpReceiver.Request r : slack.requests()) {
            String text = r.json().get("text").asText();
            String status = text.startsWith("[RESOLVED]") ? "resolved" : "firing";
            String alertname = text.replaceFirst("^\\[[^]]*] ", "").replaceFirst(" .*$", "");
            byGroup.computeIfAbsent(alertname, k -> new ArrayList<>()).add(status);
        }
        assertThat(byGroup).containsOnlyKeys("SloBurnRate", "CircuitOpen"); // the incident's own alert goes to the pager only
        assertThat(byGroup.values()).allSatisfy(statuses -> assertThat(statuses).containsExactly("firing", "resolved"));
        assertThat(slack.requests()).anySatisfy(r -> assertThat(r.json().get("text").asText()).isEqualTo("[FIRING:7] SloBurnRate (critical)"));

        // The incident's story: notifications and the burn of every agent are on its timeline.
        assertThat(incident.notifications()).anyMatch(n -> n.startsWith("pager: firing"));
        assertThat(incident.notifications()).anyMatch(n -> n.startsWith("pager: resolved"));
        assertThat(incident.timeline()).extracting(TimelineEntry::kind).contains(TimelineEntry.Kind.IMPACT_START,
                TimelineEntry.Kind.DETECTED, TimelineEntry.Kind.SEVERITY, TimelineEntry.Kind.NOTIFICATION, TimelineEntry.Kind.STATE);
        assertThat(incident.impact().spentUsd()).isGreaterThan(BigDecimal.ZERO);

        Postmortem postmortem = incidents.postmortem(incident.id());
        assertThat(postmortem.toMarkdown()).contains("**DEPENDENCY** `gpt-4o`").contains("## Timeline").contains(Postmortem.TO_BE_COMPLETED);
    }
}
