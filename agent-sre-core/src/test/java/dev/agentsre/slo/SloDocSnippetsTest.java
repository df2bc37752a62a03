package dev.agentsre.slo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentsre.event.SloStatusChanged;
import dev.agentsre.event.SreEventBus;
import dev.agentsre.testing.ManualScheduledExecutor;
import dev.agentsre.testing.ManualClock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Java snippets of {@code docs/slo.md}, pasted verbatim between the markers so that the build
 * compiles (and runs) them; the lines around them declare what the page takes as given.
 */
class SloDocSnippetsTest {

    private static final Logger log = LoggerFactory.getLogger(SloDocSnippetsTest.class);
    private final ManualClock clock = ManualClock.at(Instant.parse("2026-03-01T00:00:00Z"));
    private final ScheduledExecutorService scheduler = new ManualScheduledExecutor(clock);

    @Test
    void quickStart() {
        boolean succeeded = true;
        long elapsedMillis = 1_200;
        // --- docs/slo.md: Quick start
        SreEventBus bus = new SreEventBus();
        bus.subscribe(SloStatusChanged.class, e -> log.warn("{} is now {}", e.sloName(), e.current()));

        Slo slo = Slo.builder("code-reviewer-reliability")
                .agentId("code-reviewer")
                .indicator(Slis.taskSuccessRate().build())          // >= 99.5% over 30 days
                .indicator(Slis.responseLatency().build())          // p95 <= 5000 ms over 1 hour
                .errorBudget(ErrorBudget.builder()
                        .total(0.005)                                // 1 - target
                        .window(Duration.ofDays(30))
                        .exhaustionAction(ExhaustionAction.THROTTLE)
                        .build())
                .eventBus(bus)
                .build();

        // after each task
        slo.recordEvent(succeeded);                 // the budget (and an evaluation at most once a second)
        slo.indicator("task_success_rate").record(succeeded ? 1.0 : 0.0);
        slo.indicator("response_latency_p95").record(elapsedMillis);

        SloStatus status = slo.evaluate();          // HEALTHY, WARNING, CRITICAL, EXHAUSTED or UNKNOWN

        // with no traffic, only a schedule notices that an alert should resolve
        SloEvaluator evaluator = SloEvaluator.builder().slo(slo).build().start();
        // --- end
        evaluator.close();
        assertThat(status).isEqualTo(SloStatus.HEALTHY);
    }

    @Test
    void recommendedConfiguration() {
        // --- docs/slo.md: Recommended configuration
        ErrorBudget budget = ErrorBudget.builder()
                .target(0.995)                                   // 99.5%
                .window(Duration.ofDays(30))
                .exhaustionAction(ExhaustionAction.THROTTLE)
                .build();                                        // the four tiers; no single-window alerts
        // --- end
        assertThat(budget.alerts()).extracting(BurnRateAlert::name)
                .containsExactly("fast_burn", "slow_burn", "steady_burn", "budget_drain");
    }

    @Test
    void timeSlices() {
        // --- docs/slo.md: Budgeting by time slices
        ErrorBudget minutes = ErrorBudget.builder().target(0.995).window(Duration.ofDays(30))
                .timeslices(Duration.ofMinutes(1), 0.95)     // a minute is good when >= 95% of its tasks succeeded
                .build();
        ErrorBudget averaged = ErrorBudget.builder().target(0.995).window(Duration.ofDays(30))
                .ratioTimeslices(Duration.ofMinutes(1))      // the mean of the minutes' success ratios
                .build();
        // --- end
        assertThat(minutes.budgetingMethod()).isEqualTo(BudgetingMethod.TIMESLICES);
        assertThat(averaged.budgetingMethod()).isEqualTo(BudgetingMethod.RATIO_TIMESLICES);
    }

    @Test
    void hysteresis() {
        // --- docs/slo.md: Hysteresis
        BurnRateAlert rule = BurnRateAlert.multiWindow("checkout_burn", 10, AlertSeverity.CRITICAL,
                        Duration.ofHours(1), Duration.ofMinutes(5))
                .withResolveRate(8)                      // holds until both windows fall below 8x
                .withPendingFor(Duration.ofMinutes(2))   // must raise for 2 minutes before it pages
                .withKeepFiringFor(Duration.ofMinutes(10));
        // --- end
        assertThat(rule.resolveRate()).isEqualTo(8);
    }

    @Test
    void evaluatorAndTemplates() {
        SreEventBus bus = new SreEventBus();
        Slo fleetWide = Slo.builder("fleet").errorBudget(ErrorBudget.builder().target(0.99).clock(clock).build()).build();
        // --- docs/slo.md: SLO templates
        SloTemplate reliability = SloTemplate.builder("reliability")
                .indicator(() -> Slis.taskSuccessRate().build())
                .errorBudget(() -> ErrorBudget.builder().target(0.995).window("30d")
                        .exhaustionAction(ExhaustionAction.THROTTLE).build())
                .maxAgents(1_000).idleExpiry(Duration.ofHours(24))
                .eventBus(bus)
                .build();

        reliability.forAgent("research-agent").recordServed(true);   // created on first use
        reliability.find("research-agent");                          // a pure read: Optional<Slo>
        // --- docs/slo.md: The evaluator
        SloEvaluator evaluator = SloEvaluator.builder()
                .interval(Duration.ofSeconds(10))        // the default
                .executor(scheduler)                     // optional: your ScheduledExecutorService
                .slo(fleetWide)
                .template(reliability)
                .build()
                .start();
        // ...
        evaluator.close();                               // shuts the executor down only if it made it
        // --- end
        assertThat(reliability.size()).isEqualTo(1);
    }

    @Test
    void availability() {
        // --- docs/slo.md: Availability beside success
        Slo availability = Slo.builder("research-availability")
                .agentId("research-agent")
                .indicator(Slis.availability().build())
                .errorBudget(ErrorBudget.builder().target(0.999).build())
                .budgetEvents(BudgetEvents.AVAILABILITY)   // good = served, bad = refused as unavailable
                .build();
        availability.recordServed(true);                   // a task ran (its outcome does not matter here)
        availability.recordRefused(Refusal.CIRCUIT_OPEN);  // a task was refused at the door
        // --- end
        assertThat(availability.errorBudget().badEvents()).isEqualTo(1);
    }

    @Test
    void percentiles() {
        // --- docs/slo.md: Percentiles
        PercentileSli p95 = Slis.responseLatency().build();                                   // response_latency_p95
        PercentileSli p99 = Slis.responseLatency().percentile(0.99).target(10_000).build();   // response_latency_p99
        Slo latency = Slo.builder("latency").indicator(p95).indicator(p99)
                .errorBudget(ErrorBudget.builder().target(0.99).build()).build();
        // --- end
        assertThat(latency.indicators()).extracting(Sli::name).containsExactly("response_latency_p95", "response_latency_p99");
    }

    @Test
    void calendarWindow() {
        // --- docs/slo.md: Windows
        ErrorBudget monthly = ErrorBudget.builder().target(0.995)
                .calendarWindow(CalendarWindow.months(1, ZoneId.of("Europe/Berlin")))   // the 1st, midnight
                .build();
        // --- end
        assertThat(monthly.calendarWindow()).isPresent();
    }

    /** A custom indicator exactly as the page (and ARCHITECTURE.md) shows it. */
    static class TaskSuccessRateSli extends Sli {
        // --- docs/slo.md: Custom
        TaskSuccessRateSli() { super("task_success_rate", 0.995, "24h"); }
        @Override public SliValue collect() {
            List<SliValue> values = valuesInWindow();      // raw samples in the window, oldest first
            if (values.isEmpty()) return value(1.0);       // value(x): an SliValue for x, not stored
            long good = values.stream().filter(SliValue::isGood).count();
            return value((double) good / values.size());
        }
        // --- end
    }

    @Test
    void customIndicator() {
        TaskSuccessRateSli sli = new TaskSuccessRateSli();
        sli.record(1.0);
        sli.record(0.0);
        assertThat(sli.collect().value()).isEqualTo(0.5);
    }

    @Test
    void openSlo(@TempDir Path dir) throws Exception {
        SreEventBus bus = new SreEventBus();
        String yaml = String.join("\n", "apiVersion: openslo/v1", "kind: SLO", "metadata:", "  name: code-reviewer-reliability",
                "spec:", "  service: code-reviewer", "  indicatorRef: task_success_rate", "  budgetingMethod: Occurrences",
                "  timeWindow:", "    - duration: 1M", "      isRolling: true", "  objectives:", "    - target: 0.995", "");
        Files.writeString(dir.resolve("slos.yaml"), yaml);
        Files.writeString(dir.resolve("slis.yaml"), "");
        // --- docs/slo.md: SLOs from YAML
        // dir: the directory (a Path) that holds your OpenSLO files
        List<Slo> slos = OpenSloLoader.create(Clock.systemUTC(), bus).load(dir.resolve("slos.yaml"));
        OpenSloLoader.Result all = OpenSloLoader.create().loadAll(List.of(dir.resolve("slis.yaml"), dir.resolve("slos.yaml")));
        // --- end
        assertThat(slos).singleElement().satisfies(s -> assertThat(s.errorBudget().window()).isEqualTo(Duration.ofDays(30)));
        assertThat(all.slos()).hasSize(1);
    }
}
