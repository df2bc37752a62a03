package dev.agentsre.chaos;

import dev.agentsre.internal.Check;
import dev.agentsre.redact.Redactor;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs chaos experiments on a schedule — a cron expression in a configured zone, minus blackout
 * windows — on an injected {@link ScheduledExecutorService}, with optional progressive severity.
 *
 * <pre>{@code
 * ChaosScheduler scheduler = ChaosScheduler.builder(executor).zone(ZoneId.of("Europe/Berlin")).build();
 * scheduler.schedule(ChaosScheduler.Schedule.builder("weekday-latency")
 *         .cron("0 10-16 * * MON-FRI")
 *         .blackout(BlackoutWindow.timeOfDay(LocalTime.NOON, LocalTime.of(13, 0)))
 *         .experiment(() -> ChaosTemplates.llmLatency("code-reviewer", "openai-api"))
 *         .progressiveSeverity(3, 0.1, 0.9)
 *         .build());
 * scheduler.start();
 * scheduler.active("weekday-latency").ifPresent(e -> e.injector().wrap(...));
 * }</pre>
 *
 * <p><b>A run</b> builds a fresh experiment from the schedule's supplier, starts it, and checks it
 * when its duration is over; a run passed when it COMPLETED and its {@link ResilienceScore}, if one
 * was given, {@linkplain ResilienceScore#passed() passed}; one that ABORTED failed. Runs whose start
 * falls in a blackout are skipped. A run is not started while the previous one of the same schedule
 * still runs.
 *
 * <p><b>Planning.</b> The next run is planned from the slot that just ran (a task that fires a
 * millisecond early never plans its own slot again); slots missed while the executor was late are
 * skipped, not run in a burst. Daylight-saving days follow cronie (see {@link CronExpression}): a
 * fixed-time run in a skipped hour runs once right after the jump, and never twice in a repeated
 * hour. One planning looks at no more than {@value #MAX_SLOTS_PER_PLAN} slots or
 * {@value #MAX_DAYS_PER_PLAN} days; if every one of them is blacked out it resumes from there when that
 * time comes, so {@link #start()} never hangs. Starting, stopping and adding schedules may race:
 * each schedule is planned once per start.
 *
 * <p><b>Progressive severity</b> ({@code passesToRaise}, {@code step}, {@code cap}): after that many
 * consecutive passed runs every fault's rate is raised by {@code step} (capped at {@code cap});
 * a failed run resets it. Every-Nth faults are left as they are.
 *
 * <p>Thread-safe. Memory: per schedule the last {@value #HISTORY} runs.
 */
public final class ChaosScheduler {

    /** Runs remembered per schedule. */
    public static final int HISTORY = 100;
    /** Cron slots looked at in one planning before it pauses (all of them blacked out). */
    public static final int MAX_SLOTS_PER_PLAN = 10_000;
    /** Days of cron slots looked at in one planning before it pauses (all of them blacked out). */
    public static final int MAX_DAYS_PER_PLAN = 366;

    private static final Logger LOG = LoggerFactory.getLogger(ChaosScheduler.class);
    private static final Redactor REDACTOR = Redactor.defaults();

    private final ScheduledExecutorService executor;
    private final Clock clock;
    private final ZoneId zone;
    private final Map<String, Entry> schedules = new ConcurrentHashMap<>();
    private volatile boolean started;

    private ChaosScheduler(Builder b) {
        this.executor = Check.notNull("executor", b.executor);
        this.clock = Check.notNull("clock", b.clock);
        this.zone = Check.notNull("zone", b.zone);
    }

    /** Starts a builder around {@code executor}. */
    public static Builder builder(ScheduledExecutorService executor) {
        return new Builder(executor);
    }

    /** Adds a schedule (scheduled at once if the scheduler has started). */
    public void schedule(Schedule schedule) {
        Check.notNull("schedule", schedule);
        Entry entry = new Entry(schedule);
        if (schedules.putIfAbsent(schedule.name, entry) != null) {
            throw new IllegalArgumentException("schedule names must be unique, got '" + schedule.name + "' twice");
        }
        if (started) {
            planFirst(entry);
        }
    }

    /**
     * Starts scheduling every schedule. Returns at once: planning looks at a bounded number of cron
     * slots (see the class javadoc), never for ever.
     */
    public synchronized void start() {
        if (started) {
            return;
        }
        started = true;
        for (Entry entry : new ArrayList<>(schedules.values())) {
            planFirst(entry);
        }
    }

    /** Stops scheduling (running experiments are stopped too). */
    public synchronized void stop() {
        started = false;
        for (Entry entry : schedules.values()) {
            synchronized (entry) {
                entry.generation++; // runs already queued from before the stop plan nothing more
                entry.planned = false;
            }
            ScheduledFuture<?> f = entry.next;
            if (f != null) {
                f.cancel(false);
            }
            ChaosExperiment running = entry.active;
            if (running != null) {
                running.stop();
            }
        }
    }

    /** The running experiment of a schedule, if any. */
    public Optional<ChaosExperiment> active(String scheduleName) {
        Entry entry = entry(scheduleName);
        ChaosExperiment e = entry.active;
        return e != null && e.state() == ExperimentState.RUNNING ? Optional.of(e) : Optional.empty();
    }

    /** The runs of a schedule so far, oldest first. */
    public List<Run> history(String scheduleName) {
        return List.copyOf(entry(scheduleName).history);
    }

    /** The current severity level of a schedule (0 until it is raised). */
    public int severityLevel(String scheduleName) {
        return entry(scheduleName).level;
    }

    /** The start times a schedule would use from {@code from} to {@code to} (exclusive), blackouts removed. */
    public List<ZonedDateTime> plannedRuns(String scheduleName, ZonedDateTime from, ZonedDateTime to) {
        Schedule schedule = entry(scheduleName).schedule;
        List<ZonedDateTime> runs = new ArrayList<>();
        ZonedDateTime t = schedule.cron.next(from.withZoneSameInstant(zone).minusMinutes(1));
        while (t.isBefore(to)) {
            if (!blackedOut(schedule, t)) {
                runs.add(t);
            }
            t = schedule.cron.next(t);
        }
        return runs;
    }

    private Entry entry(String name) {
        Entry entry = schedules.get(Check.notBlank("scheduleName", name));
        if (entry == null) {
            throw new IllegalArgumentException("no schedule named '" + name + "'");
        }
        return entry;
    }

    /** Plans a schedule's first run, once per start: schedule() racing start() cannot plan it twice. */
    private void planFirst(Entry entry) {
        long generation;
        synchronized (entry) {
            if (entry.planned) {
                return;
            }
            entry.planned = true;
            generation = ++entry.generation;
        }
        planAfter(entry, ZonedDateTime.now(clock).withZoneSameInstant(zone), generation);
    }

    /**
     * Plans the first run after {@code after} that no blackout covers. At most
     * {@value #MAX_SLOTS_PER_PLAN} cron slots, or {@value #MAX_DAYS_PER_PLAN} days of them, are looked
     * at; when all of them are blacked out, planning resumes from the last one when its time comes
     * (so a schedule whose every slot is blacked out waits quietly instead of hanging start()).
     */
    private void planAfter(Entry entry, ZonedDateTime after, long generation) {
        if (!started) {
            return;
        }
        Schedule schedule = entry.schedule;
        ZonedDateTime limit = after.plusDays(MAX_DAYS_PER_PLAN);
        ZonedDateTime next;
        boolean resume = false;
        try {
            next = schedule.cron.next(after);
            for (int looked = 1; blackedOut(schedule, next); looked++) {
                if (looked >= MAX_SLOTS_PER_PLAN || next.isAfter(limit)) {
                    resume = true;
                    break;
                }
                next = schedule.cron.next(next);
            }
        } catch (RuntimeException e) {
            LOG.warn("chaos schedule '{}' has no more runs and stops: {}", schedule.name, REDACTOR.redact(String.valueOf(e.getMessage())));
            entry.record(new Run(after, schedule.name, entry.level, null, "not scheduled: " + e.getMessage()));
            return;
        }
        ZonedDateTime at = next;
        long delay = delayMillis(at);
        synchronized (entry) {
            if (!started || generation != entry.generation) {
                return; // stopped, or restarted, meanwhile
            }
            entry.next = resume
                    ? executor.schedule(() -> planAfter(entry, at, generation), delay, TimeUnit.MILLISECONDS)
                    : executor.schedule(() -> run(entry, at, generation), delay, TimeUnit.MILLISECONDS);
        }
    }

    /** Milliseconds from now until {@code at}, rounded up: a task never fires before its slot. */
    private long delayMillis(ZonedDateTime at) {
        long nanos = Duration.between(clock.instant(), at.toInstant()).toNanos();
        return nanos <= 0 ? 0 : (nanos + 999_999) / 1_000_000;
    }

    private void run(Entry entry, ZonedDateTime at, long generation) {
        try {
            ChaosExperiment previous = entry.active;
            if (previous != null && previous.state() == ExperimentState.RUNNING) {
                entry.record(new Run(at, previous.name(), entry.level, null, "skipped: the previous run is still running"));
                return;
            }
            ChaosExperiment.Builder builder = entry.schedule.experiment.get();
            if (entry.level > 0) {
                List<Fault> raised = new ArrayList<>();
                for (Fault fault : builder.currentFaults()) {
                    raised.add(fault.everyNthCall() > 0 ? fault
                            : fault.withRate(Math.min(entry.schedule.cap, Math.max(fault.rate(), fault.rate() + entry.level * entry.schedule.step))));
                }
                builder.faults(raised);
            }
            ChaosExperiment experiment = builder.build();
            entry.active = experiment;
            experiment.start();
            executor.schedule(() -> finish(entry, experiment, at), experiment.duration().toMillis(), TimeUnit.MILLISECONDS);
        } catch (RuntimeException e) {
            LOG.warn("chaos schedule '{}' could not start its run at {}", entry.schedule.name, at, REDACTOR.redact(e));
            entry.record(new Run(at, entry.schedule.name, entry.level, ExperimentState.ABORTED,
                    "could not start: " + REDACTOR.redact(String.valueOf(e.getMessage()))));
        } finally {
            // Plan from the slot that ran, not from "now": a task that fired a millisecond early must not plan the same
            // slot again. A slot already past (the executor was late) is skipped, not run in a burst.
            ZonedDateTime now = ZonedDateTime.now(clock).withZoneSameInstant(zone);
            ZonedDateTime from = at;
            try {
                if (entry.schedule.cron.next(at).isBefore(now)) {
                    from = now;
                }
            } catch (RuntimeException noMoreRuns) {
                // planAfter reports it
            }
            planAfter(entry, from, generation);
        }
    }

    private void finish(Entry entry, ChaosExperiment experiment, ZonedDateTime at) {
        ExperimentState outcome = experiment.state();
        if (outcome == ExperimentState.RUNNING) {
            experiment.stop();
            outcome = experiment.state();
        }
        ResilienceScore score = experiment.resilience();
        boolean passed = outcome == ExperimentState.COMPLETED && (score == null || score.passed());
        String note = passed ? "passed" : outcome == ExperimentState.COMPLETED
                ? String.format(java.util.Locale.ROOT, "failed: reliability %.1f, security %.1f against the pass mark %.0f",
                score.reliability(), score.security(), ResilienceScore.PASS_THRESHOLD) : "failed: " + experiment.abortReason();
        entry.record(new Run(at, experiment.name(), entry.level, outcome, note));
        if (passed) {
            entry.passesInARow++;
            if (entry.schedule.passesToRaise > 0 && entry.passesInARow >= entry.schedule.passesToRaise) {
                entry.level++;
                entry.passesInARow = 0;
            }
        } else {
            entry.level = 0;
            entry.passesInARow = 0;
        }
    }

    private static boolean blackedOut(Schedule schedule, ZonedDateTime t) {
        for (BlackoutWindow window : schedule.blackouts) {
            if (window.contains(t)) {
                return true;
            }
        }
        return false;
    }

    /**
     * One run of a schedule.
     *
     * @param scheduledAt when it was due
     * @param experiment the experiment's name
     * @param severityLevel the severity it ran at
     * @param outcome COMPLETED (passed), ABORTED (failed), or null when skipped
     * @param note what happened
     */
    public record Run(ZonedDateTime scheduledAt, String experiment, int severityLevel, ExperimentState outcome, String note) {
    }

    private static final class Entry {
        final Schedule schedule;
        final List<Run> history = new CopyOnWriteArrayList<>();
        volatile ScheduledFuture<?> next;
        volatile ChaosExperiment active;
        /** Guarded by the entry: whether the current start planned this schedule, and which start that was. */
        boolean planned;
        long generation;
        volatile int level;
        volatile int passesInARow;

        Entry(Schedule schedule) {
            this.schedule = schedule;
        }

        void record(Run run) {
            history.add(run);
            while (history.size() > HISTORY) {
                history.remove(0);
            }
        }
    }

    /** A named schedule: cron, blackouts, the experiment to run and its progression. */
    public static final class Schedule {
        final String name;
        final CronExpression cron;
        final List<BlackoutWindow> blackouts;
        final Supplier<ChaosExperiment.Builder> experiment;
        final int passesToRaise;
        final double step;
        final double cap;

        private Schedule(ScheduleBuilder b) {
            this.name = Check.notBlank("name", b.name);
            this.cron = Check.notNull("cron", b.cron);
            this.blackouts = List.copyOf(b.blackouts);
            this.experiment = Check.notNull("experiment", b.experiment);
            this.passesToRaise = b.passesToRaise;
            this.step = b.step;
            this.cap = b.cap;
        }

        /** Starts a schedule builder. */
        public static ScheduleBuilder builder(String name) {
            return new ScheduleBuilder(name);
        }
    }

    /** Builder for {@link Schedule}. */
    public static final class ScheduleBuilder {
        private final String name;
        private CronExpression cron;
        private final List<BlackoutWindow> blackouts = new ArrayList<>();
        private Supplier<ChaosExperiment.Builder> experiment;
        private int passesToRaise;
        private double step;
        private double cap = 1.0;

        private ScheduleBuilder(String name) {
            this.name = name;
        }

        /** When runs start (5-field cron in the scheduler's zone). */
        public ScheduleBuilder cron(String expression) {
            this.cron = CronExpression.parse(expression);
            return this;
        }

        /** A time when runs must not start. */
        public ScheduleBuilder blackout(BlackoutWindow window) {
            blackouts.add(Check.notNull("blackout", window));
            return this;
        }

        /** Makes the experiment of each run (a fresh builder every time). */
        public ScheduleBuilder experiment(Supplier<ChaosExperiment.Builder> experiment) {
            this.experiment = experiment;
            return this;
        }

        /** Raise every fault's rate by {@code step} after {@code passes} passed runs in a row, up to {@code cap}; reset on a failure. */
        public ScheduleBuilder progressiveSeverity(int passes, double step, double cap) {
            this.passesToRaise = Check.positive("passes", passes);
            this.step = Check.closedRange("step", step, Double.MIN_VALUE, 1.0);
            this.cap = Check.closedRange("cap", cap, Double.MIN_VALUE, 1.0);
            return this;
        }

        /** Validates and builds. */
        public Schedule build() {
            return new Schedule(this);
        }
    }

    /** Builder for {@link ChaosScheduler}. */
    public static final class Builder {
        private final ScheduledExecutorService executor;
        private Clock clock = Clock.systemUTC();
        private ZoneId zone = ZoneOffset.UTC;

        private Builder(ScheduledExecutorService executor) {
            this.executor = executor;
        }

        /** The clock. */
        public Builder clock(Clock clock) {
            this.clock = clock;
            return this;
        }

        /** The zone cron expressions and blackouts are read in (default UTC). */
        public Builder zone(ZoneId zone) {
            this.zone = zone;
            return this;
        }

        /** Builds. */
        public ChaosScheduler build() {
            return new ChaosScheduler(this);
        }
    }
}
