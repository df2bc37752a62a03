package dev.agentsre.examples;

import dev.agentsre.slo.ErrorBudget;
import dev.agentsre.slo.Sli;
import dev.agentsre.slo.SliValue;
import dev.agentsre.slo.Slo;
import dev.agentsre.slo.SloStatus;
import java.time.Clock;
import java.util.List;
import java.util.Map;

/**
 * A custom indicator: the share of code reviews whose suggestions the author accepted, from raw
 * samples with metadata. Shows subclassing {@link Sli} and putting it in an {@link Slo}.
 */
public final class CustomSliExample {

    /** Share of reviews accepted by the author; at least 80% over 7 days. */
    public static final class ReviewAcceptanceSli extends Sli {

        /** An indicator on {@code clock}. */
        public ReviewAcceptanceSli(Clock clock) {
            super(spec("review_acceptance").target(0.80).window("7d").clock(clock));
        }

        /** Records one review outcome with the repository it was for. */
        public void recordReview(boolean accepted, String repository) {
            record(accepted ? 1.0 : 0.0, Map.of("repository", repository));
        }

        @Override
        public SliValue collect() {
            List<SliValue> values = valuesInWindow();
            if (values.isEmpty()) {
                return value(1.0);
            }
            long accepted = values.stream().filter(SliValue::isGood).count();
            return value((double) accepted / values.size());
        }
    }

    private CustomSliExample() {
    }

    /** Runs the example on {@code clock} and returns the SLO's status. */
    public static SloStatus run(Clock clock) {
        ReviewAcceptanceSli acceptance = new ReviewAcceptanceSli(clock);
        Slo slo = Slo.builder("code-reviewer-usefulness")
                .agentId("code-reviewer")
                .indicator(acceptance)
                // The 50 reviews below stand for a whole week's: judge them as a full window rather
                // than projecting them (see docs/slo.md, "Sparse data").
                .errorBudget(ErrorBudget.builder().target(0.80).window("7d").projectAllowance(false).clock(clock).build())
                .build();
        for (int i = 0; i < 50; i++) {
            boolean accepted = i % 4 != 0; // 75% accepted: below target
            acceptance.recordReview(accepted, i % 2 == 0 ? "billing" : "search");
            slo.recordEvent(accepted);
        }
        System.out.printf("review acceptance %.0f%% (target %.0f%%), status %s%n",
                100 * acceptance.currentValue(), 100 * acceptance.target(), slo.evaluate());
        return slo.status();
    }

    /** Runs the example on the system clock. */
    public static void main(String[] args) {
        run(Clock.systemUTC());
    }
}
