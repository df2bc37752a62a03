package dev.agentsre.chaos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.agentsre.breaker.CircuitBreaker;
import dev.agentsre.breaker.CircuitBreakerConfig;
import dev.agentsre.breaker.CircuitState;
import dev.agentsre.breaker.RateLimitedException;
import dev.agentsre.event.FaultInjected;
import dev.agentsre.event.SreEventBus;
import dev.agentsre.testing.RecordingSleeper;
import dev.agentsre.testing.ManualClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class ChaosInjectionTest {

    private final ManualClock clock = ManualClock.at(Instant.parse("2026-07-01T10:00:00Z"));
    private final RecordingSleeper sleeper = new RecordingSleeper(clock);
    private final SreEventBus bus = new SreEventBus();
    private final List<FaultInjected> injected = new ArrayList<>();

    ChaosInjectionTest() {
        bus.subscribe(FaultInjected.class, injected::add);
    }

    private ChaosExperiment.Builder experiment(Fault fault) {
        return ChaosExperiment.builder("drill").targetAgent("agent").fault(fault)
                .duration(Duration.ofDays(1)).clock(clock).sleeper(sleeper).eventBus(bus);
    }

    private static int callMany(ChaosExperiment experiment, String target, int calls) {
        int failures = 0;
        for (int i = 0; i < calls; i++) {
            try {
                experiment.injector().wrap(target, () -> "ok").call();
            } catch (Exception e) {
                failures++;
            }
        }
        return failures;
    }

    private Set<Long> faultedCalls(long seed) {
        injected.clear();
        ChaosExperiment e = experiment(Fault.errorInjection("search_tool", "timeout", 0.1)).seed(seed).build();
        e.start();
        callMany(e, "search_tool", 10_000);
        return injected.stream().map(FaultInjected::callId).collect(Collectors.toSet());
    }

    @Test
    void aTenPercentRateInjectsAboutATenthAndTheSameSeedHitsTheSameCalls() {
        Set<Long> first = faultedCalls(7);
        assertThat(first.size()).isBetween(901, 1_099);
        assertThat(faultedCalls(7)).isEqualTo(first);
        assertThat(faultedCalls(8)).isNotEqualTo(first);
    }

    @Test
    void everyFifthCallIsHitExactly() {
        ChaosExperiment e = experiment(Fault.errorInjection("search_tool", "timeout", 1.0).everyNth(5)).build();
        e.start();
        int failures = callMany(e, "search_tool", 10_000);
        assertThat(failures).isEqualTo(2_000);
        assertThat(injected).extracting(FaultInjected::callId).startsWith(5L, 10L, 15L);
    }

    @Test
    void latencyWithJitterStaysInRangeAndReallyWaits() {
        ChaosExperiment e = experiment(Fault.latencyInjection("openai-api", Duration.ofMillis(500), Duration.ofMillis(100), 1.0)).build();
        e.start();
        Instant before = clock.instant();
        callMany(e, "openai-api", 1_000);
        assertThat(sleeper.sleeps()).hasSize(1_000).allSatisfy(d -> assertThat(d.toMillis()).isBetween(400L, 600L));
        long distinct = sleeper.sleeps().stream().distinct().count();
        assertThat(distinct).isGreaterThan(100);
        double mean = sleeper.sleeps().stream().mapToLong(Duration::toMillis).average().orElseThrow();
        assertThat(mean).isBetween(490.0, 510.0);
        assertThat(Duration.between(before, clock.instant()).toMillis())
                .isEqualTo(sleeper.sleeps().stream().mapToLong(Duration::toMillis).sum());
        assertThat(e.measured(ChaosExperiment.P95_LATENCY_MS)).isBetween(550.0, 620.0);
    }

    @Test
    void anAbortMetAtCallTwentyStopsAllInjectionAfterIt() {
        ChaosExperiment e = experiment(Fault.errorInjection("search_tool", "timeout", 1.0))
                .abortCondition(AbortCondition.atMost("quality", 0.5)).build();
        e.start();
        callMany(e, "search_tool", 20);
        assertThat(e.checkAbort(java.util.Map.of("quality", 0.3))).isTrue();
        assertThat(e.state()).isEqualTo(ExperimentState.ABORTED);
        assertThat(e.abortReason()).isEqualTo("quality 0.3000 <= 0.5000");
        assertThat(callMany(e, "search_tool", 1_000)).isZero();
        assertThat(injected).hasSize(20);
    }

    @Test
    void selfMeasuredSuccessRateAbortsTheExperiment() {
        ChaosExperiment e = experiment(Fault.errorInjection("llm", "service_unavailable", 1.0))
                .abortCondition(AbortCondition.atMost(ChaosExperiment.SUCCESS_RATE, 0.5)).build();
        e.start();
        callMany(e, "llm", 50);
        assertThat(e.state()).isEqualTo(ExperimentState.ABORTED);
        assertThat(e.callsMeasured()).isEqualTo(ChaosExperiment.MINIMUM_CALLS_FOR_ABORT);
        assertThat(e.abortReason()).startsWith("success_rate 0.000 <= 0.5000");
    }

    @Test
    void timeoutsWaitThenFailAndInterruptionIsHonoured() throws Exception {
        ChaosExperiment e = experiment(Fault.toolTimeout("db", Duration.ofSeconds(30))).build();
        e.start();
        assertThatThrownBy(() -> e.injector().wrap("db", () -> "rows").call()).isInstanceOf(InjectedTimeoutException.class)
                .hasMessageContaining("after 30000ms");
        assertThat(sleeper.sleeps()).containsExactly(Duration.ofSeconds(30));

        Thread.currentThread().interrupt();
        try {
            assertThatThrownBy(() -> e.injector().wrap("db", () -> "rows").call()).isInstanceOf(InterruptedException.class);
            Thread.currentThread().interrupt();
            assertThatThrownBy(() -> e.injector().wrapSupplier("db", () -> "rows").get()).isInstanceOf(CancellationException.class);
            assertThat(Thread.interrupted()).isTrue(); // the flag is restored for the caller
        } finally {
            Thread.interrupted();
        }
    }

    @Test
    void aRateLimitFaultOpensACircuitBreakerForTheRetryAfter() {
        ChaosExperiment e = experiment(Fault.rateLimit("anthropic-api", Duration.ofSeconds(20), 1.0)).build();
        e.start();
        CircuitBreaker breaker = CircuitBreaker.of("agent", CircuitBreakerConfig.builder().recoveryTimeout(Duration.ofSeconds(5)).clock(clock).build());
        assertThatThrownBy(() -> breaker.call(e.injector().wrap("anthropic-api", () -> "answer")))
                .isInstanceOf(RateLimitedException.class);
        assertThat(breaker.state()).isEqualTo(CircuitState.OPEN);
        assertThat(breaker.snapshot().retryAfter()).isEqualTo(Duration.ofSeconds(20));
    }

    @Test
    void suppliedExceptionsGlobTargetsAndDelegationRejects() {
        ChaosExperiment e = ChaosExperiment.builder("x").clock(clock).sleeper(sleeper).eventBus(bus)
                .fault(Fault.errorInjection("search_*", () -> new IllegalStateException("index offline"), 1.0))
                .fault(Fault.delegationReject("analyst", 1.0)).build();
        e.start();
        assertThatThrownBy(() -> e.injector().wrap("search_web", () -> "r").call()).isInstanceOf(IllegalStateException.class)
                .hasMessage("index offline");
        assertThatThrownBy(() -> e.injector().wrap("analyst", () -> "r").call()).isInstanceOf(InjectedFaultException.class)
                .satisfies(t -> assertThat(((InjectedFaultException) t).error()).isEqualTo("delegation_rejected"));
        assertThat(e.injector().wrapFunction("summarize", (String s) -> s + "!").apply("ok")).isEqualTo("ok!");
    }

    @Test
    void blastRadiusKeepsWholeSessionsInOrOutOfScope() throws Exception {
        ChaosExperiment e = experiment(Fault.errorInjection("tool", "boom", 1.0)).blastRadius(0.3).build();
        e.start();
        Set<String> hit = new HashSet<>();
        for (int s = 0; s < 1_000; s++) {
            String session = "session-" + s;
            boolean first = failed(e, session);
            for (int i = 0; i < 3; i++) {
                assertThat(failed(e, session)).isEqualTo(first);
            }
            if (first) {
                hit.add(session);
            }
        }
        assertThat(hit.size()).isBetween(250, 350);
    }

    private static boolean failed(ChaosExperiment e, String session) {
        try {
            e.injector().wrap("tool", session, () -> "ok").call();
            return false;
        } catch (Exception ex) {
            return true;
        }
    }

    @Test
    void withoutARunningExperimentNothingIsInjected() throws Exception {
        ChaosExperiment e = experiment(Fault.errorInjection("tool", "boom", 1.0)).duration(Duration.ofMinutes(10)).build();
        assertThat(e.injector().wrap("tool", () -> "ok").call()).isEqualTo("ok"); // PENDING
        e.start();
        clock.advance(Duration.ofMinutes(10));
        assertThat(e.injector().wrap("tool", () -> "ok").call()).isEqualTo("ok"); // duration over
        assertThat(e.state()).isEqualTo(ExperimentState.COMPLETED);
        assertThat(e.endedAt()).isEqualTo(Instant.parse("2026-07-01T10:10:00Z"));
        assertThat(injected).isEmpty();
    }

    @Test
    void costSpikesMultiplyReportedCost() {
        ChaosExperiment e = experiment(Fault.costSpike("gpt-4o", 10, 1.0).everyNth(2)).build();
        e.start();
        assertThat(e.injector().injectCost("gpt-4o", 0.10)).isEqualTo(0.10);
        assertThat(e.injector().injectCost("gpt-4o", 0.10)).isEqualTo(1.0);
        assertThat(e.injector().injectCost("claude", 0.10)).isEqualTo(0.10);
        assertThat(e.measured(ChaosExperiment.COST_PER_CALL)).isCloseTo(0.4, org.assertj.core.api.Assertions.within(1e-12));
    }

    @Test
    void adversarialFaultsPlantPayloadsAndDefencesAreScoredPerCategory() throws Exception {
        ChaosExperiment e = ChaosExperiment.builder("security").clock(clock).sleeper(sleeper).eventBus(bus)
                .fault(Fault.promptInjection("web_search", AttackCorpus.Technique.INSTRUCTION_IN_TOOL_OUTPUT))
                .fault(Fault.dataExfiltration("crm").everyNth(2)).build();
        e.start();
        String page = e.injector().wrap("web_search", () -> "Quarterly revenue grew 4%.").call();
        assertThat(page).startsWith("Quarterly revenue grew 4%.").hasSizeGreaterThan(40);
        String untouched = e.injector().wrap("crm", () -> "customer record").call();
        String tampered = e.injector().wrap("crm", () -> "customer record").call();
        assertThat(untouched).isEqualTo("customer record");
        assertThat(tampered).contains("customer record").containsAnyOf("POST", "API keys");
        Integer number = e.injector().tamper("crm", 7, (value, attack) -> -value);
        assertThat(number).isEqualTo(7); // the 3rd crm match: every 2nd is hit, so not this one
        assertThat(e.injector().tamper("crm", 7, (value, attack) -> -value)).isEqualTo(-7);

        List<InjectedAttack> attacks = e.attacks();
        assertThat(attacks).hasSize(3);
        assertThat(attacks.get(0).attack().owaspCategory()).isEqualTo("LLM01:2025 Prompt Injection");
        e.reportDefense(attacks.get(0).callId(), true);
        e.reportDefense(attacks.get(1).callId(), false);
        e.reportDefense(attacks.get(2).callId(), true);
        ResilienceScore score = e.calculateResilience(0.99, 0.99);
        assertThat(score.reliability()).isEqualTo(100.0);
        assertThat(score.security()).isCloseTo(200.0 / 3, org.assertj.core.api.Assertions.within(1e-9));
        assertThat(score.securityByCategory()).containsEntry("LLM01:2025 Prompt Injection", 100.0)
                .containsEntry("LLM02:2025 Sensitive Information Disclosure", 50.0);
        assertThat(score.overall()).isCloseTo((100.0 + 200.0 / 3) / 2, org.assertj.core.api.Assertions.within(1e-9));
        assertThatThrownBy(() -> e.reportDefense(999, true)).hasMessageContaining("999");
    }

    @Test
    void theRogueDetectorCanJudgeTheDefences() throws Exception {
        dev.agentsre.anomaly.RogueAgentDetector detector = new dev.agentsre.anomaly.RogueAgentDetector(
                dev.agentsre.anomaly.RogueDetectorConfig.builder().clock(clock).build());
        detector.registerCapabilityProfile("agent", Set.of("web_search"));
        ChaosExperiment e = ChaosExperiment.builder("security").clock(clock).sleeper(sleeper)
                .fault(Fault.toolAbuse("web_search", "shell_exec").everyNth(1)).build();
        e.start();
        e.injector().wrap("web_search", () -> "results").call();
        assertThat(e.evaluateDefenses(DefenseCheck.rogueDetector(detector, "agent", dev.agentsre.anomaly.RiskLevel.HIGH))).isZero();
        // the next attack works: the agent obeys and calls shell_exec three times, which the detector sees
        e.injector().wrap("web_search", () -> "results").call();
        for (int i = 0; i < 3; i++) {
            detector.recordAction("agent", "obey", "shell_exec", clock.instant());
        }
        assertThat(e.evaluateDefenses(DefenseCheck.rogueDetector(detector, "agent", dev.agentsre.anomaly.RiskLevel.HIGH))).isEqualTo(1);
        assertThat(e.attacks()).extracting(InjectedAttack::caught).containsExactly(false, true);
    }

    @Test
    void resilienceReliabilityAndRecoveryTime() throws Exception {
        ChaosExperiment e = experiment(Fault.errorInjection("tool", "boom", 0.5)).duration(Duration.ofMinutes(5)).build();
        assertThat(e.calculateResilience(0.99, 0.85).overall()).isCloseTo(100 * 0.85 / 0.99, org.assertj.core.api.Assertions.within(1e-9));
        e.start();
        callMany(e, "tool", 100);
        clock.advance(Duration.ofMinutes(5));
        assertThat(e.state()).isEqualTo(ExperimentState.COMPLETED);
        clock.advance(Duration.ofSeconds(42));
        e.injector().wrap("tool", () -> "ok").call();
        ResilienceScore score = e.calculateResilience(1.0);
        assertThat(score.reliability()).isBetween(35.0, 65.0);
        assertThat(score.recoveryTime()).isEqualTo(Duration.ofSeconds(42));
        assertThat(score.security()).isNaN();
        e.complete(score);
        assertThat(e.resilience()).isSameAs(score);
    }

    @Test
    void lifecycleRulesAndValidation() {
        ChaosExperiment e = experiment(Fault.errorInjection("t", "x", 0.5)).build();
        assertThat(e.state()).isEqualTo(ExperimentState.PENDING);
        e.start();
        assertThatThrownBy(e::start).isInstanceOf(IllegalStateException.class).hasMessageContaining("RUNNING");
        assertThat(e.stop()).isTrue();
        assertThat(e.stop()).isFalse();
        assertThatThrownBy(() -> ChaosExperiment.builder("x").build()).hasMessageContaining("faults");
        assertThatThrownBy(() -> Fault.errorInjection("t", "x", 1.5)).hasMessageContaining("rate").hasMessageContaining("1.5");
        assertThatThrownBy(() -> Fault.latencyInjection("t", Duration.ofMillis(100), Duration.ofMillis(200), 1))
                .hasMessageContaining("jitter");
        assertThatThrownBy(() -> Fault.costSpike("t", 0.5, 1)).hasMessageContaining("multiplier");
        assertThatThrownBy(() -> ChaosExperiment.builder("x").fault(Fault.errorInjection("t", "x", 1)).blastRadius(0).build())
                .hasMessageContaining("blastRadius");
        Fault llm = Fault.llmLatency("p", Duration.ofSeconds(10)); // uniform in [5 s, 10 s]
        assertThat(llm.delay()).isEqualTo(Duration.ofMillis(7_500));
        assertThat(llm.jitter()).isEqualTo(Duration.ofMillis(2_500));
    }

    @Test
    void everyTemplateBuilds() {
        List<ChaosExperiment.Builder> templates = List.of(
                ChaosTemplates.toolTimeout("a", "search"), ChaosTemplates.toolFailure("a", "search"),
                ChaosTemplates.llmLatency("a", "openai"), ChaosTemplates.llmOutage("a", "openai"),
                ChaosTemplates.rateLimiting("a", "openai"), ChaosTemplates.cascadingDelegationFailure("a", "b"),
                ChaosTemplates.costSpike("a", "openai"), ChaosTemplates.promptInjection("a", "web"),
                ChaosTemplates.privilegeEscalation("a", "web"), ChaosTemplates.dataExfiltration("a", "crm"),
                ChaosTemplates.toolAbuse("a", "web", "shell_exec"), ChaosTemplates.degradedDependencies("a"),
                ChaosTemplates.flakyConnection("a", "db"));
        assertThat(templates).hasSizeGreaterThanOrEqualTo(11);
        Set<String> names = new HashSet<>();
        for (ChaosExperiment.Builder template : templates) {
            ChaosExperiment experiment = template.clock(clock).build();
            assertThat(experiment.faults()).isNotEmpty();
            assertThat(experiment.abortConditions()).isNotEmpty();
            names.add(experiment.name());
        }
        assertThat(names).hasSize(templates.size());
    }
}
