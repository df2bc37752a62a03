package dev.agentsre.examples;

/**
 * When each scripted event of the fleet drill happens, in minutes from the start, spread over any
 * span (for the default 24 hours: canary 02:00, outage 06:00, loop 09:36 (released 10:36), cost
 * explosion 13:12 (fixed 15:12), chaos 16:48, failing task 20:24).
 */
final class FleetScript {

    /** Headings of the scripted events, as the console and the report show them. */
    static final String CANARY = "Canary";
    static final String OUTAGE = "LLM provider outage";
    static final String LOOP = "Runaway loop";
    static final String COST = "Cost explosion";
    static final String CHAOS = "Chaos experiment";
    static final String REPLAY = "Failing task";

    /** Minutes the provider outage lasts. */
    static final long OUTAGE_MINUTES = 15;
    /** Minutes after a page that the on-call acknowledges it. */
    static final long ACKNOWLEDGE_AFTER = 4;
    /** Minutes after the pipeline mitigated an incident by itself that the on-call resolves it. */
    static final long RESOLVE_MITIGATED_AFTER = 30;

    final long minutes;
    final long canaryAt;
    final long outageFrom;
    final long outageTo;
    final long loopAt;
    final long releaseAt;
    final long costAt;
    final long costFixedAt;
    final long chaosAt;
    final long replayAt;

    FleetScript(int hours) {
        minutes = hours * 60L;
        canaryAt = minutes / 12;
        outageFrom = minutes / 4;
        outageTo = outageFrom + OUTAGE_MINUTES;
        loopAt = minutes * 2 / 5;
        releaseAt = loopAt + Math.max(10, minutes / 24);
        costAt = minutes * 11 / 20;
        costFixedAt = costAt + Math.max(10, minutes / 12);
        chaosAt = minutes * 7 / 10;
        replayAt = minutes * 17 / 20;
    }

    /** Whether the shared model is down in {@code minute}. */
    boolean outage(long minute) {
        return minute >= outageFrom && minute < outageTo;
    }

    /** Whether the research agent re-reads its corpus in {@code minute}: from the explosion until its cache is fixed. */
    boolean expensive(long minute) {
        return minute >= costAt && minute < costFixedAt;
    }
}
