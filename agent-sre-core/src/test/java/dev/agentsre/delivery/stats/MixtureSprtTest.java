package dev.agentsre.delivery.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.agentsre.internal.stats.RunningMoments;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The normal-mixture SPRT: its formula, its confidence sequence, and seeded false-positive and power simulations. */
class MixtureSprtTest {

    private static final double ALPHA = 0.05;

    @Test
    void likelihoodRatioMatchesThePairedFormulaOfJohariEtAl() {
        // n = 100 differences, mean 0.3, variance V = 4, tau2 = 0.25: Lambda = sqrt(V/(V+n tau2)) exp(n^2 tau2 d^2 / (2V(V+n tau2)))
        double n = 100;
        double v = 4;
        double tau2 = 0.25;
        double d = 0.3;
        double expected = 0.5 * Math.log(v / (v + n * tau2)) + n * n * tau2 * d * d / (2 * v * (v + n * tau2));
        assertThat(MixtureSprt.logLikelihoodRatio(d, v / n, tau2)).isCloseTo(expected, within(1e-12));
        assertThat(MixtureSprt.logLikelihoodRatio(0, 0, tau2)).isZero();
        assertThat(MixtureSprt.logLikelihoodRatio(1, 0, tau2)).isInfinite();
    }

    @Test
    void theConfidenceSequenceExcludesZeroExactlyWhenTheTestRejects() {
        for (double d : new double[] {0.1, 0.3, 0.5, 0.8}) {
            double s2 = 0.04;
            double tau2 = 0.02;
            boolean rejects = MixtureSprt.logLikelihoodRatio(d, s2, tau2) >= Math.log(1 / ALPHA);
            boolean excludes = d - MixtureSprt.halfWidth(s2, tau2, ALPHA) > 0;
            assertThat(excludes).as("d = %s", d).isEqualTo(rejects);
        }
    }

    @Test
    void refusesBadArgumentsByName() {
        assertThatThrownBy(() -> MixtureSprt.logLikelihoodRatio(1, 1, 0)).hasMessageContaining("tau2");
        assertThatThrownBy(() -> MixtureSprt.paired(Moments.of(1, 2, 3), 0, 0.2, 30)).hasMessageContaining("alpha");
        assertThatThrownBy(() -> MixtureSprt.paired(Moments.of(1, 2, 3), ALPHA, -1, 30)).hasMessageContaining("effectSize");
        assertThatThrownBy(() -> MixtureSprt.paired(Moments.of(1, 2, 3), ALPHA, 0.2, 1)).hasMessageContaining("minSamples");
    }

    @Test
    void identicalObservationsAreEvidenceOnlyOfTheDifferenceTheyShow() {
        Moments same = new Moments(50, 0, 0);
        assertThat(MixtureSprt.paired(same, ALPHA, 0.2, 30).verdict()).isEqualTo(SequentialVerdict.CONTINUE);
        assertThat(MixtureSprt.paired(new Moments(50, 1, 0), ALPHA, 0.2, 30).verdict()).isEqualTo(SequentialVerdict.CANDIDATE_HIGHER);
    }

    /**
     * No difference, checked after every pair for 5,000 pairs with the plug-in variance: α = 0.05; the
     * one-sided rate (what a rollback counts) measured about 2.5 %.
     */
    @Test
    void pairedTestRejectsARegressionOfANullDifferenceInAtMostAlphaOfSeededRuns() {
        int runs = 400;
        int regressions = 0;
        for (int run = 0; run < runs; run++) {
            SplittableRandom random = new SplittableRandom(run);
            RunningMoments d = new RunningMoments();
            for (int i = 0; i < 5_000; i++) {
                d.add(gaussian(random) * 2);
                if (d.count() >= 30 && MixtureSprt.paired(Moments.of(d), ALPHA, MixtureSprt.DEFAULT_EFFECT_SIZE, 30).verdict()
                        == SequentialVerdict.CANDIDATE_HIGHER) {
                    regressions++;
                    break;
                }
            }
        }
        System.out.printf("paired mSPRT, no difference: %d of %d runs found a regression (%.1f %%), alpha 5 %%%n", regressions, runs,
                100.0 * regressions / runs);
        assertThat((double) regressions / runs).isLessThanOrEqualTo(ALPHA);
    }

    /** Two cohorts, 10 % canary, log-normal latency; equal: few rejections; candidate 20 % slower: caught in every run. */
    @Test
    void twoSampleTestHoldsAlphaAndCatchesATwentyPercentLatencyRegression() {
        int runs = 200;
        int regressions = 0;
        for (int run = 0; run < runs; run++) {
            if (firstRegression(new SplittableRandom(run), 0.0, 10_000) >= 0) {
                regressions++;
            }
        }
        System.out.printf("two-sample mSPRT, equal latency: %d of %d runs found a regression (%.1f %%), alpha 5 %%%n", regressions, runs,
                100.0 * regressions / runs);
        assertThat((double) regressions / runs).isLessThanOrEqualTo(ALPHA);
        for (int run = 0; run < 50; run++) {
            int at = firstRegression(new SplittableRandom(1_000 + run), Math.log(1.2), 20_000);
            assertThat(at).as("run %d", run).isBetween(0, 8_000);
        }
    }

    private static int firstRegression(SplittableRandom random, double logShift, int requests) {
        RunningMoments c = new RunningMoments();
        RunningMoments b = new RunningMoments();
        for (int i = 0; i < requests; i++) {
            boolean canary = random.nextDouble() < 0.1;
            double ms = Math.exp(6 + (canary ? logShift : 0) + 0.8 * gaussian(random));
            (canary ? c : b).add(Math.log1p(ms));
            if (canary && i % 5 == 0 && MixtureSprt.twoSample(Moments.of(c), Moments.of(b), ALPHA, MixtureSprt.DEFAULT_EFFECT_SIZE, 30)
                    .verdict() == SequentialVerdict.CANDIDATE_HIGHER) {
                return i + 1;
            }
        }
        return -1;
    }

    private static double gaussian(SplittableRandom random) {
        // Box-Muller: SplittableRandom has no nextGaussian on Java 17
        double u = 1 - random.nextDouble();
        double v = random.nextDouble();
        return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    }
}
