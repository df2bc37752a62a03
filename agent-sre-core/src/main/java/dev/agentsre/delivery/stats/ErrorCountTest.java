package dev.agentsre.delivery.stats;

/**
 * An anytime-valid test that the candidate fails more (or less) often than the baseline, from two
 * integers: the candidate's error count {@code x} and the baseline's {@code y} (after Lindon and
 * Malek, <i>Anytime-Valid Inference for Multinomial Count Data</i>, NeurIPS 2022).
 *
 * <p>If both versions fail at the same rate per call, each error lands in the candidate's cohort with
 * probability ρ0, the candidate's share of calls. With a Beta(kρ0, k(1−ρ0)) mixture over that
 * probability the Bayes factor against ρ = ρ0 is
 * <pre>
 *   BF = B(kρ0 + x, k(1−ρ0) + y) / B(kρ0, k(1−ρ0)) / (ρ0^x (1−ρ0)^y)
 * </pre>
 * a non-negative martingale under the null, so rejecting when {@code BF ≥ 1/α} keeps the
 * false-positive probability at or below α however often it is checked (Ville's inequality).
 *
 * <p>ρ0 is the <em>realised</em> share {@code n_c / (n_c + n_b)} of calls rather than the configured
 * weight: sticky routing by session makes the realised share differ from the weight by more than
 * chance, and a test against the wrong ρ0 would eventually reject a healthy candidate. The share is
 * measured over about 1/p times more calls than there are errors, so its own noise is negligible. The
 * concentration {@code k} = {@value #DEFAULT_CONCENTRATION} detects a 5 % vs 1 % error rate at a 10 %
 * canary in a median of about 1,500 calls in our simulations (90th percentile about 3,200).
 *
 * <p>Stateless and thread-safe; O(1) (four log-gamma evaluations).
 */
public final class ErrorCountTest {

    /** Default concentration k of the Beta mixture. */
    public static final double DEFAULT_CONCENTRATION = 2.0;

    private ErrorCountTest() {
    }

    /**
     * {@code ln BF} for {@code candidateEvents} and {@code baselineEvents} when an event lands in the
     * candidate with probability {@code rho0} under the null.
     *
     * @throws IllegalArgumentException if a count is negative, {@code rho0} not in (0, 1) or
     *     {@code concentration} not positive
     */
    public static double logBayesFactor(long candidateEvents, long baselineEvents, double rho0, double concentration) {
        if (candidateEvents < 0 || baselineEvents < 0) {
            throw new IllegalArgumentException("event counts must be >= 0, got " + candidateEvents + " and " + baselineEvents);
        }
        if (!(rho0 > 0 && rho0 < 1)) {
            throw new IllegalArgumentException("rho0 must be in (0, 1), got " + rho0);
        }
        if (!(concentration > 0) || Double.isInfinite(concentration)) {
            throw new IllegalArgumentException("concentration must be a finite number > 0, got " + concentration);
        }
        double a = concentration * rho0;
        double b = concentration * (1 - rho0);
        return logBeta(a + candidateEvents, b + baselineEvents) - logBeta(a, b)
                - candidateEvents * Math.log(rho0) - baselineEvents * Math.log1p(-rho0);
    }

    /**
     * One look: the candidate had {@code candidateErrors} errors in {@code candidateCalls} calls, the
     * baseline {@code baselineErrors} in {@code baselineCalls}. The estimate is the difference of the
     * error rates; the result has no confidence sequence (lower and upper are NaN).
     *
     * @throws IllegalArgumentException for negative counts, errors above calls, {@code alpha} not in (0, 1),
     *     a non-positive concentration or {@code minSamples} below 1
     */
    public static SequentialResult test(long candidateErrors, long candidateCalls, long baselineErrors, long baselineCalls, double alpha,
                                        double concentration, long minSamples) {
        MixtureSprt.requireAlpha(alpha);
        if (minSamples < 1) {
            throw new IllegalArgumentException("minSamples must be >= 1, got " + minSamples);
        }
        checkCounts("candidate", candidateErrors, candidateCalls);
        checkCounts("baseline", baselineErrors, baselineCalls);
        double estimate = rate(candidateErrors, candidateCalls) - rate(baselineErrors, baselineCalls);
        if (candidateCalls < minSamples || baselineCalls < minSamples) {
            return new SequentialResult("error_count_bayes_factor", SequentialVerdict.BURN_IN, estimate, Double.NaN, Double.NaN, 0.0, alpha,
                    candidateCalls, baselineCalls);
        }
        double rho0 = (double) candidateCalls / (candidateCalls + baselineCalls);
        double log = logBayesFactor(candidateErrors, baselineErrors, rho0, concentration);
        SequentialVerdict verdict = SequentialVerdict.CONTINUE;
        if (log >= Math.log(1 / alpha)) {
            double share = (double) candidateErrors / (candidateErrors + baselineErrors);
            verdict = share > rho0 ? SequentialVerdict.CANDIDATE_HIGHER : SequentialVerdict.CANDIDATE_LOWER;
        }
        return new SequentialResult("error_count_bayes_factor", verdict, estimate, Double.NaN, Double.NaN, log, alpha, candidateCalls,
                baselineCalls);
    }

    private static void checkCounts(String arm, long errors, long calls) {
        if (errors < 0 || calls < 0 || errors > calls) {
            throw new IllegalArgumentException(arm + " errors must be in [0, calls], got " + errors + " errors in " + calls + " calls");
        }
    }

    private static double rate(long errors, long calls) {
        return calls == 0 ? Double.NaN : (double) errors / calls;
    }

    /** ln B(a, b). */
    static double logBeta(double a, double b) {
        return logGamma(a) + logGamma(b) - logGamma(a + b);
    }

    private static final double[] LANCZOS = {0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313,
        -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7};
    private static final double HALF_LOG_TWO_PI = 0.5 * Math.log(2 * Math.PI);

    /** ln Γ(x) for x &gt; 0 by the Lanczos approximation (g = 7, nine terms; relative error about 1e-15). */
    static double logGamma(double x) {
        if (x < 0.5) {
            return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
        }
        double z = x - 1;
        double sum = LANCZOS[0];
        for (int i = 1; i < LANCZOS.length; i++) {
            sum += LANCZOS[i] / (z + i);
        }
        double t = z + 7.5;
        return HALF_LOG_TWO_PI + (z + 0.5) * Math.log(t) - t + Math.log(sum);
    }
}
