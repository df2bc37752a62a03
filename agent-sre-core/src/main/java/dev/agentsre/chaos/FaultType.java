package dev.agentsre.chaos;

/** What a {@link Fault} does to a call. */
public enum FaultType {
    /** Waits before the call (fixed or with jitter). */
    LATENCY(false),
    /** Fails the call with a named error or a supplied exception. */
    ERROR(false),
    /** Waits, then fails with {@link InjectedTimeoutException}. */
    TIMEOUT(false),
    /** Fails like an LLM provider's HTTP 429, with a retry-after. */
    RATE_LIMIT(false),
    /** The call reports N times its usual cost. */
    COST_SPIKE(false),
    /** A delegated agent refuses the request. */
    DELEGATION_REJECT(false),
    /** Instructions planted in what the agent reads. */
    PROMPT_INJECTION(true),
    /** A request to act with a role the agent does not have. */
    PRIVILEGE_ESCALATION(true),
    /** A nudge to misuse a tool. */
    TOOL_ABUSE(true),
    /** A request to send data somewhere it must not go. */
    DATA_EXFILTRATION(true);

    private final boolean adversarial;

    FaultType(boolean adversarial) {
        this.adversarial = adversarial;
    }

    /** Whether the fault is an attack on the agent's defences (it alters what the agent sees). */
    public boolean adversarial() {
        return adversarial;
    }
}
