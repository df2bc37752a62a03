package dev.agentsre.delivery;

/** The two versions a rollout routes between. */
public enum Variant {
    /** The version in production now. */
    BASELINE,
    /** The new version being rolled out. */
    CANDIDATE
}
