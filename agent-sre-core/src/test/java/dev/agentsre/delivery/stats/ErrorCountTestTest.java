package dev.agentsre.delivery.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The two-count Bayes factor: its formula, and — by seeded simulation checked after every error — its
 * false-positive rate under equal error rates and its power against a 5 % vs 1 % regression at a
 * 10 % canary.
 */
class ErrorCountTestTest {

    private static final double ALPHA = 0.05;

    @Test
    void logGammaMatchesKnownValues() {
        assertThat(ErrorCountTest.logGamma(0.5)).isCloseTo(Math.log(Math.sqrt(Math.PI)), within(1e-13));
        assertThat(ErrorCountTest.logGamma(1)).isCloseTo(0, within(1e-13));
        assertThat(ErrorCountTest.logGamma(10)).isCloseTo(Math.log(362_880), within(1e-12));
        assertThat(ErrorCountTest.logGamma(0.1)).isCloseTo(2.252712651734206, within(1e-12));
        // Stirling's series for a large argument
        double x = 1e6;
        double stirling = (x - 0.5) * Math.log(x) - x + 0.5 * Math.log(2 * Math.PI) + 1 / (12 * x);
        assertThat(ErrorCountTest.logGamma(x)).isCloseTo(stirling, within(1e-6));
    }

    @Test
    void bayesFactorIsOneWithoutEventsAndMatchesTheBetaBinomialFormula() {
        assertThat(ErrorCountTest.logBayesFactor(0, 0, 0.1, 2)).isCloseTo(0, within(1e-12));
        // x=3, y=1, rho0=0.5, k=2 (a Beta(1,1) mixture): B(4,2)/B(1,1) / 0.5^4 = (1/20) * 16 = 0.8
        assertThat(Math.exp(ErrorCountTest.logBayesFactor(3, 1, 0.5, 2))).isCloseTo(0.8, within(1e-12));
    }

    @Test
    void refusesBadArgumentsByName() {
        assertThatThrownBy(() -> ErrorCountTest.logBayesFactor(-1, 0, 0.5, 2)).hasMessageContaining("event counts");
        assertThatThrownBy(() -> ErrorCountTest.logBayesFactor(1, 0, 1.0, 2)).hasMessageContaining("rho0");
        assertThatThrownBy(() -> ErrorCountTest.logBayesFactor(1, 0, 0.5, 0)).hasMessageContaining("concentration");
        assertThatThrownBy(() -> ErrorCountTest.test(5, 4, 0, 10, ALPHA, 2, 30)).hasMessageContaining("candidate errors");
        assertThatThrownBy(() -> ErrorCountTest.test(0, 4, 0, 10, 1.5, 2, 30)).hasMessageContaining("alpha");
    }

    @Test
    void burnInHoldsTheVerdictUntilBothArmsHaveTheirSamples() {
        assertThat(ErrorCountTest.test(10, 10, 0, 29, ALPHA, 2, 30).verdict()).isEqualTo(SequentialVerdict.BURN_IN);
        assertThat(ErrorCountTest.test(10, 30, 0, 300, ALPHA, 2, 30).verdict()).isEqualTo(SequentialVerdict.CANDIDATE_HIGHER);
        assertThat(ErrorCountTest.test(0, 30, 40, 300, ALPHA, 2, 30).verdict()).isEqualTo(SequentialVerdict.CANDIDATE_LOWER);
    }

    /** Equal error rates of 1 %, 10 % canary, 20,000 requests per run, checked after every error: α = 0.05, measured well below. */
    @Test
    void equalErrorRatesRejectInAtMostAlphaOfManySeededRuns() {
        int runs = 1_000;
        int falsePositives = 0;
        for (int run = 0; run < runs; run++) {
            if (firstRejection(new SplittableRandom(run), 0.10, 0.01, 0.01, 20_000) >= 0) {
                falsePositives++;
            }
        }
        double rate = (double) falsePositives / runs;
        System.out.printf("error-count Bayes factor, equal rates: %d of %d runs rejected (%.1f %%), alpha 5 %%%n", falsePositives, runs,
                100 * rate);
        // Measured: 8 of 1,000 (0.8 %). Ville's inequality bounds it by alpha = 5 % however long the runs.
        assertThat(rate).as("false-positive rate over %d runs", runs).isLessThanOrEqualTo(ALPHA);
    }

    /** A 5 % vs 1 % regression at a 10 % canary is caught in every run, in a median of about 1,500 requests. */
    @Test
    void fivePercentVersusOnePercentAtATenPercentCanaryIsCaughtWithinAFewThousandRequests() {
        List<Integer> caughtAt = new ArrayList<>();
        for (int run = 0; run < 300; run++) {
            int at = firstRejection(new SplittableRandom(10_000 + run), 0.10, 0.05, 0.01, 20_000);
            assertThat(at).as("run %d", run).isNotNegative();
            caughtAt.add(at);
        }
        Collections.sort(caughtAt);
        System.out.printf("error-count Bayes factor, 5 %% vs 1 %% at 10 %%: caught in 300 of 300 runs, median %d requests, p90 %d, max %d%n",
                caughtAt.get(caughtAt.size() / 2), caughtAt.get(caughtAt.size() * 9 / 10), caughtAt.get(caughtAt.size() - 1));
        assertThat(caughtAt.get(caughtAt.size() / 2)).as("median requests to detection").isLessThan(2_000);
        assertThat(caughtAt.get(caughtAt.size() * 9 / 10)).as("90th percentile").isLessThan(4_000);
    }

    /** The request at which the candidate is first found worse, or -1. */
    static int firstRejection(SplittableRandom random, double weight, double candidateRate, double baselineRate, int requests) {
        long nc = 0;
        long nb = 0;
        long x = 0;
        long y = 0;
        for (int i = 0; i < requests; i++) {
            boolean canary = random.nextDouble() < weight;
            boolean error = random.nextDouble() < (canary ? candidateRate : baselineRate);
            if (canary) {
                nc++;
                x += error ? 1 : 0;
            } else {
                nb++;
                y += error ? 1 : 0;
            }
            if (error && canary && ErrorCountTest.test(x, nc, y, nb, ALPHA, ErrorCountTest.DEFAULT_CONCENTRATION, 30).verdict()
                    == SequentialVerdict.CANDIDATE_HIGHER) {
                return i + 1;
            }
        }
        return -1;
    }
}
