package dev.agentsre.delivery.stats;

/**
 * One look at an anytime-valid sequential test.
 *
 * @param test which test: {@code msprt_paired}, {@code msprt_two_sample} or {@code error_count_bayes_factor}
 * @param verdict what it concluded
 * @param estimate the estimated difference, candidate minus baseline (for counts: error rates)
 * @param lower lower end of the always-valid confidence sequence for the difference (NaN when the test has none)
 * @param upper upper end of it (NaN when the test has none)
 * @param logStatistic natural log of the likelihood ratio or Bayes factor (0 during the burn-in)
 * @param alpha the false-positive bound the test was run at; it rejects when the statistic reaches {@code 1/alpha}
 * @param candidateSamples observations of the candidate (pairs, for a paired test)
 * @param baselineSamples observations of the baseline (pairs, for a paired test)
 */
public record SequentialResult(String test, SequentialVerdict verdict, double estimate, double lower, double upper, double logStatistic,
                               double alpha, long candidateSamples, long baselineSamples) {

    /** The likelihood ratio or Bayes factor itself (may be infinite). */
    public double statistic() {
        return Math.exp(logStatistic);
    }

    /** The rejection threshold {@code 1/alpha}. */
    public double threshold() {
        return 1.0 / alpha;
    }

    /** The always-valid p-value of this look, {@code min(1, 1/statistic)}. */
    public double pValue() {
        return Math.min(1.0, Math.exp(-logStatistic));
    }

    /** Whether "no difference" was rejected. */
    public boolean rejected() {
        return verdict.rejected();
    }
}
