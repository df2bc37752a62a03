package dev.agentsre.examples;

import dev.agentsre.AgentSre;
import dev.agentsre.cost.CostGuard;
import dev.agentsre.cost.PriceTable;
import dev.agentsre.cost.TokenUsage;
import dev.agentsre.delivery.AgentRollout;
import dev.agentsre.delivery.AgentVersion;
import dev.agentsre.delivery.Evidence;
import dev.agentsre.delivery.Gate;
import dev.agentsre.delivery.OutputComparator;
import dev.agentsre.delivery.RollbackTrigger;
import dev.agentsre.delivery.RolloutMetrics;
import dev.agentsre.delivery.RolloutState;
import dev.agentsre.delivery.RolloutStep;
import dev.agentsre.event.DeliveryEvent;
import dev.agentsre.event.RolloutRolledBack;
import dev.agentsre.event.RolloutStateChanged;
import dev.agentsre.event.SreEventBus;
import dev.agentsre.testing.ManualClock;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.Executor;

/**
 * A new prompt for a support bot, rolled out the careful way on a virtual clock: a 30-minute shadow
 * (the new prompt answers copies of real questions, its order lookups served from the old prompt's
 * recording, compared with a noise floor), then a 5 % canary, then 25 %. The new prompt is longer;
 * when long conversations start arriving at 09:45 it overflows the model's context on some of them.
 * The sequential error-rate test sees it at the 25 % canary, and the rollout rolls back by itself:
 * every session is on the old prompt again on its next question.
 *
 * <p>Run it: {@code mvn -q -pl agent-sre-examples exec:java -Ddemo.main=dev.agentsre.examples.CanaryRolloutExample}
 * (add {@code -Ddemo.args="--svg docs/images/canary-rollout.svg"} to redraw the chart of the
 * delivery page).
 */
public final class CanaryRolloutExample {

    /** The simulated day starts here. */
    public static final Instant START = Instant.parse("2026-11-02T08:00:00Z");
    private static final int QUESTIONS_PER_MINUTE = 40;
    private static final Duration LENGTH = Duration.ofHours(3);
    private static final LocalTime LONG_CONVERSATIONS_FROM = LocalTime.of(9, 45);

    /** A customer's question in a session. */
    public record Question(String sessionId, String orderId, boolean longConversation) {
    }

    /** The bot's answer, with the version that wrote it and the tokens it took. */
    public record Answer(String version, String text, long inputTokens, long outputTokens) {
        TokenUsage usage() {
            return TokenUsage.of(inputTokens, outputTokens);
        }
    }

    /** An order, as the lookup tool returns it. */
    public record Order(String id, String status) {
    }

    /** Error rates of the answered questions in one 10-minute window, and the canary weight at its end. */
    public record Point(Instant end, double weight, long baselineCalls, long baselineErrors, long candidateCalls, long candidateErrors) {
        double baselineErrorRate() {
            return baselineCalls == 0 ? Double.NaN : (double) baselineErrors / baselineCalls;
        }

        double candidateErrorRate() {
            return candidateCalls == 0 ? Double.NaN : (double) candidateErrors / candidateCalls;
        }
    }

    /** What happened. */
    public record Outcome(List<String> log, List<DeliveryEvent> events, List<Point> timeline, RolloutState state, Evidence evidence,
                          Instant rolledBackAt, long questions, long candidateAnswersAfterRollback) {
    }

    private CanaryRolloutExample() {
    }

    /** Runs the morning on {@code clock} (set to {@link #START}). */
    public static Outcome run(ManualClock clock) throws Exception {
        SplittableRandom random = new SplittableRandom(2026);
        SreEventBus bus = new SreEventBus();
        List<DeliveryEvent> events = new ArrayList<>();
        List<String> log = new ArrayList<>();
        bus.subscribe(DeliveryEvent.class, e -> {
            events.add(e);
            log.add(describe(e));
        });
        CostGuard budgets = CostGuard.builder().perAgentDailyLimit(500).priceTable(PriceTable.defaults()).clock(clock).eventBus(bus).build();
        AgentSre sre = AgentSre.builder().costGuard(budgets).clock(clock).eventBus(bus).build();
        SimulatedModel model = new SimulatedModel(random);

        List<Runnable> shadows = new ArrayList<>();
        Executor shadowExecutor = shadows::add; // drained after each answer went out (a thread pool in production)
        AgentRollout<Question, Answer> rollout = AgentRollout.<Question, Answer>builder("support-bot-prompt-v4")
                .baseline("prompt-v3", sre, "support-bot", prompt("prompt-v3", model))
                .candidate("prompt-v4", sre, "support-bot", prompt("prompt-v4", model))
                .routingKey(Question::sessionId)
                .steps(RolloutStep.shadow(1.0).duration("30m").gate(Gate.atLeast(RolloutMetrics.SIMILARITY, 0.90)),
                        RolloutStep.canary(0.05).duration("1h")
                                .gate(Gate.atLeast(RolloutMetrics.TASK_SUCCESS_RATE, 0.98))
                                .gate(Gate.maxIncrease(RolloutMetrics.COST_PER_TASK, 0.20)),
                        RolloutStep.canary(0.25).duration("2h"),
                        RolloutStep.canary(1.0))
                .rollbackOn(RollbackTrigger.sequentialRegression(RolloutMetrics.ERROR_RATE), RollbackTrigger.burnRateAbove(10.0))
                .comparator(OutputComparator.similarity(CanaryRolloutExample::sameStatus, 0.9))
                .noiseFloor(0.2)
                .shadowExecutor(shadowExecutor).shadowBudget(20.00)
                .clock(clock).eventBus(bus)
                .build();

        rollout.start();
        List<Point> timeline = new ArrayList<>();
        long[] window = new long[4]; // baseline calls, baseline errors, candidate calls, candidate errors
        long questions = 0;
        long candidateAfterRollback = 0;
        Instant rolledBackAt = null;
        for (int minute = 0; minute < LENGTH.toMinutes(); minute++) {
            boolean longConversations = !LocalTime.ofInstant(clock.instant(), ZoneOffset.UTC).isBefore(LONG_CONVERSATIONS_FROM);
            for (int q = 0; q < QUESTIONS_PER_MINUTE; q++) {
                Question question = new Question("session-" + random.nextInt(2_000), "order-" + random.nextInt(100_000),
                        longConversations && random.nextDouble() < 0.4);
                questions++;
                boolean candidate;
                boolean failed = false;
                try {
                    candidate = rollout.call(question).version().equals("prompt-v4");
                } catch (ModelException e) {
                    candidate = e.version.equals("prompt-v4");
                    failed = true;
                }
                window[candidate ? 2 : 0]++;
                window[candidate ? 3 : 1] += failed ? 1 : 0;
                if (candidate && rolledBackAt != null) {
                    candidateAfterRollback++;
                }
                shadows.forEach(Runnable::run);
                shadows.clear();
                clock.advance(Duration.ofMillis(60_000 / QUESTIONS_PER_MINUTE));
            }
            rollout.evaluate();
            if (rolledBackAt == null && rollout.state() == RolloutState.ROLLED_BACK) {
                rolledBackAt = clock.instant();
            }
            if ((minute + 1) % 10 == 0) {
                timeline.add(new Point(clock.instant(), rollout.status().weight(), window[0], window[1], window[2], window[3]));
                window = new long[4];
            }
        }
        log.add(String.format(Locale.ROOT, "%d questions; %d answered by prompt-v4 after the rollback", questions, candidateAfterRollback));
        return new Outcome(log, events, timeline, rollout.state(), rollout.status().rollbackEvidence(), rolledBackAt, questions,
                candidateAfterRollback);
    }

    /** One prompt version: looks the order up, then asks the model. */
    private static AgentVersion<Question, Answer> prompt(String version, SimulatedModel model) {
        return (question, calls) -> {
            Order order = calls.tool("lookup_order", question.orderId(), () -> new Order(question.orderId(), "shipped"));
            return calls.llm("gpt-4o", version + "|" + question.orderId(), () -> model.answer(version, question, order), Answer::usage);
        };
    }

    /** 1 when both answers state the order's status the same way. */
    private static double sameStatus(Answer a, Answer b) {
        return status(a.text()).equals(status(b.text())) ? 1.0 : 0.0;
    }

    private static String status(String text) {
        int at = text.lastIndexOf(' ');
        return text.substring(at + 1);
    }

    /**
     * The model: fails 1 % of the time (the provider); gets the status wrong 3 % of the time (its own
     * non-determinism, the same for both prompts); and with prompt-v4, 200 tokens longer, overflows the
     * context on 12 % of long conversations.
     */
    private static final class SimulatedModel {
        private final SplittableRandom random;

        SimulatedModel(SplittableRandom random) {
            this.random = random;
        }

        Answer answer(String version, Question question, Order order) {
            boolean v4 = version.equals("prompt-v4");
            if (random.nextDouble() < 0.01) {
                throw new ModelException(version, "provider error 503");
            }
            if (v4 && question.longConversation() && random.nextDouble() < 0.12) {
                throw new ModelException(version, "context length exceeded");
            }
            String status = random.nextDouble() < 0.03 ? "delivered" : order.status();
            long input = (question.longConversation() ? 6_000 : 1_500) + (v4 ? 200 : 0);
            return new Answer(version, (v4 ? "Good news: order " : "Order ") + order.id() + " is " + status, input, 120);
        }
    }

    /** The model failed. */
    static final class ModelException extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final String version;

        ModelException(String version, String message) {
            super(version + ": " + message);
            this.version = version;
        }
    }

    private static String describe(DeliveryEvent event) {
        String at = LocalTime.ofInstant(event.timestamp(), ZoneOffset.UTC).toString();
        if (event instanceof RolloutRolledBack) {
            RolloutRolledBack r = (RolloutRolledBack) event;
            return at + " ROLLED BACK from step " + r.step() + " at " + Math.round(r.weight() * 100) + " %: " + r.evidence().trigger()
                    + " on " + r.evidence().metric() + " - " + r.evidence().summary();
        }
        RolloutStateChanged c = (RolloutStateChanged) event;
        return at + " " + c.from() + " -> " + c.to() + (c.step() >= 0 ? " (step " + c.step() + ", " + Math.round(c.weight() * 100) + " %)" : "")
                + ": " + c.reason();
    }

    // ------------------------------------------------------------------ the chart

    /** The rollout as an SVG chart: the canary weight, and each version's error rate per 10 minutes, with the transitions marked. */
    public static String svg(Outcome outcome) {
        int width = 760;
        int height = 320;
        int left = 56;
        int right = 60;
        int top = 36;
        int bottom = 44;
        int plotW = width - left - right;
        int plotH = height - top - bottom;
        double span = LENGTH.toMillis();
        double maxRate = 0.10;
        StringBuilder s = new StringBuilder();
        s.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" "
                + "font-family=\"sans-serif\" font-size=\"11\">%n", width, height, width, height));
        s.append("  <title>Canary rollout of prompt-v4: weight and error rates; rolled back automatically</title>\n");
        s.append(String.format(Locale.ROOT, "  <rect x=\"0\" y=\"0\" width=\"%d\" height=\"%d\" fill=\"#ffffff\"/>%n", width, height));
        s.append(String.format(Locale.ROOT, "  <text x=\"%d\" y=\"20\" font-size=\"13\" font-weight=\"bold\">support-bot: prompt-v3 → prompt-v4</text>%n",
                left));
        // grid and axes
        for (int i = 0; i <= 4; i++) {
            double y = top + plotH - plotH * i / 4.0;
            s.append(String.format(Locale.ROOT, "  <line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#e5e5e5\"/>%n", left, y, left + plotW, y));
            s.append(String.format(Locale.ROOT, "  <text x=\"%d\" y=\"%.1f\" text-anchor=\"end\" fill=\"#1f5fbf\">%d%%</text>%n", left - 6, y + 4,
                    25 * i));
            s.append(String.format(Locale.ROOT, "  <text x=\"%d\" y=\"%.1f\" fill=\"#b03030\">%.1f%%</text>%n", left + plotW + 6, y + 4,
                    maxRate * 100 * i / 4.0));
        }
        for (int h = 0; h <= LENGTH.toHours(); h++) {
            double x = left + plotW * h / (double) LENGTH.toHours();
            s.append(String.format(Locale.ROOT, "  <text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s</text>%n", x, top + plotH + 16,
                    LocalTime.ofInstant(START.plus(Duration.ofHours(h)), ZoneOffset.UTC)));
        }
        s.append(String.format(Locale.ROOT, "  <text x=\"12\" y=\"%d\" fill=\"#1f5fbf\" transform=\"rotate(-90 12 %d)\" text-anchor=\"middle\">"
                + "canary weight</text>%n", top + plotH / 2, top + plotH / 2));
        s.append(String.format(Locale.ROOT, "  <text x=\"%d\" y=\"%d\" fill=\"#b03030\" transform=\"rotate(90 %d %d)\" text-anchor=\"middle\">"
                + "error rate per 10 min</text>%n", width - 10, top + plotH / 2, width - 10, top + plotH / 2));
        // the change in traffic that exposes the regression
        double change = left + plotW * (LONG_CONVERSATIONS_FROM.toSecondOfDay() - 8 * 3600) * 1000.0 / span;
        s.append(String.format(Locale.ROOT, "  <line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#e0a030\" stroke-dasharray=\"2 3\"/>%n",
                change, top + 16, change, top + plotH));
        s.append(String.format(Locale.ROOT, "  <text x=\"%.1f\" y=\"%d\" fill=\"#a06000\">long conversations begin</text>%n", change + 3,
                top + 26));
        // transitions
        for (DeliveryEvent e : outcome.events()) {
            double x = left + plotW * (e.timestamp().toEpochMilli() - START.toEpochMilli()) / span;
            boolean rollback = e instanceof RolloutRolledBack;
            String label = rollback ? "rolled back" : label((RolloutStateChanged) e);
            s.append(String.format(Locale.ROOT, "  <line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"%s\" stroke-dasharray=\"4 3\"/>%n", x, top,
                    x, top + plotH, rollback ? "#b03030" : "#999999"));
            s.append(String.format(Locale.ROOT, "  <text x=\"%.1f\" y=\"%d\" fill=\"%s\">%s</text>%n", x + 3, top + 10, rollback ? "#b03030" : "#555555",
                    label));
        }
        // weight as a step line
        StringBuilder weight = new StringBuilder();
        double lastWeight = 0;
        weight.append(String.format(Locale.ROOT, "M%d,%d", left, top + plotH));
        for (DeliveryEvent e : outcome.events()) {
            double w = e instanceof RolloutRolledBack ? 0 : ((RolloutStateChanged) e).weight();
            double x = left + plotW * (e.timestamp().toEpochMilli() - START.toEpochMilli()) / span;
            weight.append(String.format(Locale.ROOT, " L%.1f,%.1f L%.1f,%.1f", x, top + plotH - plotH * lastWeight, x, top + plotH - plotH * w));
            lastWeight = w;
        }
        weight.append(String.format(Locale.ROOT, " L%d,%.1f", left + plotW, top + plotH - plotH * lastWeight));
        s.append("  <path d=\"").append(weight).append("\" fill=\"none\" stroke=\"#1f5fbf\" stroke-width=\"2\"/>\n");
        // error rates
        s.append(series(outcome.timeline(), true, left, top, plotW, plotH, span, maxRate, "#b03030"));
        s.append(series(outcome.timeline(), false, left, top, plotW, plotH, span, maxRate, "#777777"));
        // legend
        int ly = height - 10;
        s.append(String.format(Locale.ROOT, "  <line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#1f5fbf\" stroke-width=\"2\"/>"
                + "<text x=\"%d\" y=\"%d\">canary weight</text>%n", left, ly - 4, left + 18, ly - 4, left + 22, ly));
        s.append(String.format(Locale.ROOT, "  <circle cx=\"%d\" cy=\"%d\" r=\"3\" fill=\"#b03030\"/><text x=\"%d\" y=\"%d\">prompt-v4 error rate"
                + "</text>%n", left + 140, ly - 4, left + 148, ly));
        s.append(String.format(Locale.ROOT, "  <circle cx=\"%d\" cy=\"%d\" r=\"3\" fill=\"#777777\"/><text x=\"%d\" y=\"%d\">prompt-v3 error rate"
                + "</text>%n", left + 300, ly - 4, left + 308, ly));
        s.append("</svg>\n");
        return s.toString();
    }

    private static String label(RolloutStateChanged e) {
        switch (e.to()) {
            case SHADOW:
                return "shadow";
            case CANARY:
                return "canary " + Math.round(e.weight() * 100) + "%";
            case PROMOTED:
                return "promoted";
            default:
                return e.to().name().toLowerCase(Locale.ROOT);
        }
    }

    private static String series(List<Point> timeline, boolean candidate, int left, int top, int plotW, int plotH, double span,
                                 double maxRate, String colour) {
        StringBuilder path = new StringBuilder();
        StringBuilder dots = new StringBuilder();
        for (Point p : timeline) {
            double rate = candidate ? p.candidateErrorRate() : p.baselineErrorRate();
            if (Double.isNaN(rate)) {
                continue;
            }
            double x = left + plotW * (p.end().toEpochMilli() - START.toEpochMilli() - 300_000) / span;
            double y = top + plotH - plotH * Math.min(rate, maxRate) / maxRate;
            path.append(path.length() == 0 ? "M" : " L").append(String.format(Locale.ROOT, "%.1f,%.1f", x, y));
            dots.append(String.format(Locale.ROOT, "  <circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\" fill=\"%s\"/>%n", x, y, colour));
        }
        return (path.length() == 0 ? "" : "  <path d=\"" + path + "\" fill=\"none\" stroke=\"" + colour + "\" stroke-width=\"1.5\"/>\n") + dots;
    }

    /** Prints the morning; {@code --svg <file>} also writes the chart. */
    public static void main(String[] args) throws Exception {
        Outcome outcome = run(ManualClock.at(START));
        outcome.log().forEach(System.out::println);
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--svg")) {
                Path file = Path.of(Flags.value(args, ++i, "--svg"));
                try {
                    Files.writeString(file, svg(outcome), StandardCharsets.UTF_8);
                } catch (IOException e) {
                    throw new IllegalArgumentException("--svg: cannot write " + file + ": " + e.getMessage(), e);
                }
                System.out.println("chart written to " + file);
            } else {
                throw new IllegalArgumentException("unknown option " + args[i] + "; the only option is --svg <file>");
            }
        }
    }
}
