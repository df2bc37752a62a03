package dev.agentsre.anomaly;

/** How likely an agent is to be rogue, from its combined signal score. */
public enum RiskLevel {
    /** Score below 0.4: behaving as usual. */
    LOW(0.0),
    /** Score from 0.4: one signal is off; watch it. */
    MEDIUM(0.4),
    /** Score from 0.7: strong or corroborated evidence; quarantine by default. */
    HIGH(0.7),
    /** Score from 0.9: several strong signals or a denied tool used repeatedly. */
    CRITICAL(0.9);

    private final double minimumScore;

    RiskLevel(double minimumScore) {
        this.minimumScore = minimumScore;
    }

    /** The lowest combined score at this level. */
    public double minimumScore() {
        return minimumScore;
    }

    /** Whether this level is at least {@code other}. */
    public boolean atLeast(RiskLevel other) {
        return compareTo(other) >= 0;
    }

    /** The level of a combined score in [0, 1]. */
    public static RiskLevel of(double score) {
        if (score >= CRITICAL.minimumScore) {
            return CRITICAL;
        }
        if (score >= HIGH.minimumScore) {
            return HIGH;
        }
        if (score >= MEDIUM.minimumScore) {
            return MEDIUM;
        }
        return LOW;
    }
}
