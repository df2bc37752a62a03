package dev.agentsre.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.agentsre.AgentSre;
import dev.agentsre.anomaly.RiskLevel;
import dev.agentsre.breaker.CircuitBreakerConfig;
import dev.agentsre.breaker.CircuitBreakerRegistry;
import dev.agentsre.cost.CostGuard;
import dev.agentsre.redact.Redactor;
import dev.agentsre.slo.ErrorBudget;
import dev.agentsre.slo.ExhaustionAction;
import dev.agentsre.slo.Slo;
import dev.agentsre.testing.ManualClock;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.slf4j.event.Level;

class Slf4jEventLoggerTest {

    private final ManualClock clock = ManualClock.at(Instant.parse("2026-09-01T10:00:00Z"));
    private final SreEventBus bus = new SreEventBus();
    private final RecordingLogger log = new RecordingLogger();

    @Test
    void stateChangesAreLoggedOncePerTransitionWithTheAgentTheReasonAndTheNumbersNeverPerCall() throws Exception {
        CircuitBreakerRegistry breakers = CircuitBreakerRegistry.of(CircuitBreakerConfig.builder().failureThreshold(3)
                .recoveryTimeout(Duration.ofSeconds(30)).clock(clock).build(), bus);
        CostGuard guard = CostGuard.builder().clock(clock).eventBus(bus).perAgentDailyLimit(10).autoThrottle(true).throttleThreshold(0.8)
                .killSwitchThreshold(0.95).build();
        Slo slo = Slo.builder("writer-success").agentId("writer").errorBudget(ErrorBudget.builder().target(0.9).projectAllowance(false)
                .exhaustionAction(ExhaustionAction.THROTTLE).clock(clock).build()).eventBus(bus).build();
        AgentSre sre = AgentSre.builder().clock(clock).eventBus(bus).breakers(breakers).slo(slo)
                .eventLogger(Slf4jEventLogger.of(log, Redactor.defaults())).build();

        for (int i = 0; i < 50; i++) {                     // 50 failed tasks: the breaker opens once, the SLO exhausts once
            try {
                sre.agent("writer").task("t" + i).call(ctx -> {
                    throw new IllegalStateException("model down");
                });
            } catch (Exception expected) {
                // failed or refused
            }
        }
        for (int i = 0; i < 40; i++) {                     // and 40 more bad events: the SLO's status changes once
            slo.recordEvent(false);
        }
        slo.evaluate();
        for (int i = 0; i < 30; i++) {                     // 30 charges: throttled once, killed once
            guard.recordCost("writer", "c" + i, 0.33);
        }

        List<String> warnings = log.at(Level.WARN);
        assertThat(warnings.stream().filter(m -> m.startsWith("Circuit breaker of 'writer' opened"))).singleElement()
                .satisfies(m -> assertThat(m).contains("was closed").contains("3").contains("open for 30s"));
        assertThat(warnings.stream().filter(m -> m.startsWith("SLO 'writer-success' of agent 'writer' exhausted"))).singleElement()
                .satisfies(m -> assertThat(m).contains("0.0% left").contains("THROTTLE"));
        assertThat(warnings.stream().filter(m -> m.contains("budget of 'writer' throttled"))).hasSize(1);
        assertThat(warnings.stream().filter(m -> m.contains("budget of 'writer' killed"))).hasSize(1);
        assertThat(log.lines).hasSizeLessThan(10);      // never per call: 80 calls, a handful of transitions
        sre.close();
    }

    @Test
    void everyKindOfTransitionHasItsLevelAndMessagesPassThroughTheRedactor() {
        Slf4jEventLogger logger = Slf4jEventLogger.of(log, Redactor.defaults());
        Instant now = clock.instant();
        String key = "sk-proj-abcdefghijklmnopqrstuvwxyz0123456789ABCD";
        logger.onEvent(new CircuitStateChanged(now, "writer", dev.agentsre.breaker.CircuitState.CLOSED,
                dev.agentsre.breaker.CircuitState.OPEN, "3 consecutive failures: 401 for api_key=" + key, 60.0, Duration.ofSeconds(30)));
        logger.onEvent(new CircuitStateChanged(now, "writer", dev.agentsre.breaker.CircuitState.HALF_OPEN,
                dev.agentsre.breaker.CircuitState.CLOSED, "probe succeeded", Double.NaN, Duration.ZERO));
        logger.onEvent(new AgentQuarantined(now, "rogue", RiskLevel.HIGH, List.of("denied tool shell_exec", "token " + key)));
        logger.onEvent(new AgentReleased(now, "rogue", "released manually"));
        logger.onEvent(new IncidentOpened(now, "writer", "INC-7", dev.agentsre.incident.IncidentSeverity.SEV2, "writer down",
                List.of("writer"), false));
        logger.onEvent(new IncidentStateChanged(now, "writer", "INC-7", dev.agentsre.incident.IncidentState.MITIGATED,
                dev.agentsre.incident.IncidentState.RESOLVED, "ops", "provider back", dev.agentsre.incident.IncidentSeverity.SEV2, "writer down"));
        logger.onEvent(new CostCharged(now, "writer", "t1", null, "gpt-4o", java.math.BigDecimal.ONE)); // per call: never logged

        assertThat(log.at(Level.WARN)).hasSize(3);
        assertThat(log.at(Level.INFO)).containsExactly("Circuit breaker of 'writer' closed (was half_open): probe succeeded",
                "Agent 'rogue' released from quarantine: released manually", "Incident INC-7 resolved (SEV2) by ops: provider back");
        assertThat(log.lines).noneSatisfy(l -> assertThat(l.message()).contains(key));
        assertThat(log.at(Level.WARN).get(0)).contains("failure rate 60.0%").contains(Redactor.REDACTED);
        assertThat(log.at(Level.WARN).get(1)).startsWith("Agent 'rogue' quarantined (risk HIGH): denied tool shell_exec");
        assertThat(log.at(Level.WARN).get(2)).isEqualTo("Incident INC-7 opened (SEV2) of agent 'writer': writer down; agents [writer]");
    }

    @Test
    void aLoggerAttachedTwiceToABusLogsOnceAndTheDefaultIsOnInThePipeline() {
        Slf4jEventLogger logger = Slf4jEventLogger.of(log, Redactor.defaults());
        SreEventBus.Subscription first = logger.attach(bus);
        SreEventBus.Subscription second = logger.attach(bus);
        bus.publish(new AgentReleased(clock.instant(), "a", "calm"));
        assertThat(log.lines).hasSize(1);
        first.close();
        first.close();
        bus.publish(new AgentReleased(clock.instant(), "a", "calm"));
        assertThat(log.lines).hasSize(2);                      // still attached through the second
        second.close();
        bus.publish(new AgentReleased(clock.instant(), "a", "calm"));
        assertThat(log.lines).hasSize(2);

        int before = bus.listenerCount();
        AgentSre on = AgentSre.builder().eventBus(bus).build();
        AgentSre another = AgentSre.builder().eventBus(bus).build();   // a second pipeline on the same bus: still logged once
        assertThat(bus.listenerCount()).isEqualTo(before + 2 + 1);     // two SLO-action listeners, one logger
        on.close();
        another.close();
        assertThat(bus.listenerCount()).isEqualTo(before);
        AgentSre off = AgentSre.builder().eventBus(bus).eventLogging(false).build();
        assertThat(bus.listenerCount()).isEqualTo(before + 1);
        off.close();
        assertThatThrownBy(() -> AgentSre.builder().eventLogger(null)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("eventLogger");
    }

    @Test
    void aFailingListenersSecretNeverReachesTheLog() {
        PrintStream err = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        String secret = "ghp_abcdefghijklmnopqrstuvwxyz0123456789";
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            bus.subscribe(AgentReleased.class, e -> {
                throw new IllegalStateException("webhook rejected token " + secret);
            });
            bus.publish(new AgentReleased(clock.instant(), "a", "calm"));
        } finally {
            System.setErr(err);
        }
        String logged = captured.toString(StandardCharsets.UTF_8);
        assertThat(logged).contains("failed on AgentReleased").contains("webhook rejected token").doesNotContain(secret);
    }

    @Test
    void anSloWhoseIndicatorFailsLogsTheFailureRedacted() {
        PrintStream err = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        String secret = "sk-ant-api03-abcdefghijklmnopqrstuvwxyz0123456789";
        dev.agentsre.slo.Sli failing = new dev.agentsre.slo.Sli("broken", 0.99, "1h") {
            @Override
            public dev.agentsre.slo.SliValue collect() {
                throw new IllegalStateException("metrics backend refused key " + secret);
            }
        };
        Slo slo = Slo.builder("broken-slo").indicator(failing).errorBudget(ErrorBudget.builder().target(0.99).clock(clock).build())
                .evaluationInterval(Duration.ZERO).build();
        failing.record(1.0);
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            slo.recordEvent(true);
        } finally {
            System.setErr(err);
        }
        String logged = captured.toString(StandardCharsets.UTF_8);
        assertThat(logged).contains("could not be evaluated").contains("metrics backend refused key").doesNotContain(secret);
    }
}
