package dev.agentsre.examples;

import dev.agentsre.event.BurnRateAlertFired;
import dev.agentsre.event.BurnRateAlertResolved;
import dev.agentsre.event.SloStatusChanged;
import dev.agentsre.event.SreEventBus;
import dev.agentsre.slo.AggregateSli;
import dev.agentsre.slo.ErrorBudget;
import dev.agentsre.slo.ExhaustionAction;
import dev.agentsre.slo.PercentileSli;
import dev.agentsre.slo.Slis;
import dev.agentsre.slo.Slo;
import dev.agentsre.testing.ManualClock;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.util.SplittableRandom;

/**
 * A simulated day of one code-review agent's SLO on a virtual
 * clock, with 29 days of history behind it, an LLM provider outage at 10:00 and a latency
 * regression in the afternoon. It prints every SLO alert and status change as it happens and an
 * hourly table of the error budget. Runs in about a second; no network.
 */
public final class SloDayExample {

    private static final Instant START = Instant.parse("2026-11-02T00:00:00Z");
    private static final Duration TASK_INTERVAL = Duration.ofSeconds(10);

    private final PrintStream out;
    private final SloDayOptions options;

    SloDayExample(PrintStream out, SloDayOptions options) {
        this.out = out;
        this.options = options;
    }

    /** Entry point; see {@link SloDayOptions#USAGE}. Exits with status 2 on a bad flag. */
    public static void main(String[] args) {
        SloDayOptions options;
        try {
            options = SloDayOptions.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("slo-day: " + e.getMessage());
            SloDayOptions.printUsage(System.err);
            System.exit(2);
            return;
        }
        if (options.help()) {
            SloDayOptions.printUsage(System.out);
            return;
        }
        new SloDayExample(System.out, options).run();
    }

    /** Runs the simulation and returns what it observed. */
    Result run() {
        ManualClock clock = ManualClock.at(START.minus(Duration.ofDays(29)));
        SreEventBus bus = new SreEventBus();
        Result result = new Result();
        bus.subscribe(BurnRateAlertFired.class, e -> {
            result.alertsFired++;
            out.printf("  %s  ALERT   %-19s fired    (burn rate %.1fx over %s)%n", time(e.timestamp()), e.alert().name(),
                    e.longWindowRate(), dev.agentsre.time.Durations.format(e.alert().longWindow()));
        });
        bus.subscribe(BurnRateAlertResolved.class, e -> {
            result.alertsResolved++;
            out.printf("  %s  ALERT   %-19s resolved%n", time(e.timestamp()), e.alert().name());
        });
        bus.subscribe(SloStatusChanged.class, e -> {
            result.statusChanges++;
            result.worst = e.current().isWorseThan(result.worst) ? e.current() : result.worst;
            out.printf("  %s  STATUS  %s -> %s (budget left %.1f%%)%s%n", time(e.timestamp()), e.previous(), e.current(),
                    e.budgetRemainingPercent(), e.exhausted() ? ", action: " + e.exhaustionAction() : "");
        });

        AggregateSli success = Slis.taskSuccessRate().window("24h").clock(clock).build();
        PercentileSli latency = Slis.responseLatency().clock(clock).build();
        Slo slo = Slo.builder("code-reviewer-reliability")
                .agentId("code-reviewer")
                .indicator(success)
                .indicator(latency)
                .errorBudget(ErrorBudget.builder().total(0.005).window(Duration.ofDays(30))
                        .exhaustionAction(ExhaustionAction.THROTTLE).clock(clock).build())
                .eventBus(bus)
                .build();

        out.println("Agent SRE demo: one simulated day of the code-reviewer agent (seed " + options.seed() + ")");
        out.println("SLO: 99.5% of tasks succeed over 30 days; p95 latency <= 5 s over 1 h; exhaustion action THROTTLE");
        out.println();

        // 29 quiet days of history at 0.2% failures: one batch per hour keeps the demo fast.
        long tasksPerHour = Duration.ofHours(1).dividedBy(TASK_INTERVAL);
        for (int h = 0; h < 29 * 24; h++) {
            slo.errorBudget().recordEvents(tasksPerHour - 1, h % 2 == 0 ? 1 : 0);
            clock.advance(Duration.ofHours(1));
        }
        out.printf("History: 29 days, budget left %.1f%%%n%n", slo.errorBudget().remainingPercent());
        out.println("Events of the day:");
        slo.evaluate();

        SplittableRandom random = new SplittableRandom(options.seed());
        StringBuilder table = new StringBuilder();
        table.append(String.format("%n%5s %7s %8s %12s %10s %12s %9s  %s%n",
                "hour", "tasks", "failed", "budget left", "burn 1h", "success 24h", "p95 (ms)", "status"));
        long steps = Duration.ofHours(options.hours()).dividedBy(TASK_INTERVAL);
        int hourTasks = 0;
        int hourFailures = 0;
        for (long step = 0; step < steps; step++) {
            LocalTime now = LocalTime.ofInstant(clock.instant(), ZoneOffset.UTC);
            boolean outage = !now.isBefore(LocalTime.of(10, 0)) && now.isBefore(LocalTime.of(10, 12));
            boolean slowAfternoon = !now.isBefore(LocalTime.of(15, 0)) && now.isBefore(LocalTime.of(16, 30));
            boolean ok = !outage && random.nextDouble() >= 0.002;
            double latencyMs = slowAfternoon ? 4_000 + random.nextDouble() * 6_000 : 600 + random.nextDouble() * 2_400;

            slo.recordEvent(ok);
            success.record(ok);
            latency.record(latencyMs);
            result.tasks++;
            hourTasks++;
            if (!ok) {
                result.failures++;
                hourFailures++;
            }
            clock.advance(TASK_INTERVAL);
            if (hourTasks == tasksPerHour) {
                slo.evaluate();
                table.append(String.format("%5s %7d %8d %11.1f%% %9.2fx %11.2f%% %9.0f  %s%n",
                        time(clock.instant().minusSeconds(3600)), hourTasks, hourFailures,
                        slo.errorBudget().remainingPercent(), slo.errorBudget().burnRate(Duration.ofHours(1)),
                        100 * success.currentValue(), latency.currentValue(), slo.status()));
                hourTasks = 0;
                hourFailures = 0;
            }
        }
        out.print(table);
        out.println("(WARNING after the outage: the 24h success rate is below its 99.5% target until the outage leaves the window.)");
        result.finalStatus = slo.evaluate();
        result.budgetRemaining = slo.errorBudget().remainingPercent();
        out.printf("%nSummary: %d tasks, %d failed, %d alerts fired, %d resolved, worst status %s, final status %s, budget left %.1f%%%n",
                result.tasks, result.failures, result.alertsFired, result.alertsResolved, result.worst, result.finalStatus,
                result.budgetRemaining);
        return result;
    }

    private static String time(Instant instant) {
        return LocalTime.ofInstant(instant, ZoneOffset.UTC).toString().substring(0, 5);
    }

    /** What one run observed. */
    static final class Result {
        long tasks;
        long failures;
        int alertsFired;
        int alertsResolved;
        int statusChanges;
        dev.agentsre.slo.SloStatus worst = dev.agentsre.slo.SloStatus.UNKNOWN;
        dev.agentsre.slo.SloStatus finalStatus;
        double budgetRemaining;
    }
}
