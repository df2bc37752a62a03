package dev.agentsre.otel;

import java.util.Locale;

/**
 * Which version of the OpenTelemetry GenAI semantic conventions the spans and metrics follow.
 *
 * <p>The conventions' transition plan lets an instrumentation that already emitted the v1.36.0 names
 * keep them by default and switch to the latest on {@code OTEL_SEMCONV_STABILITY_OPT_IN=gen_ai_latest_experimental}.
 * Agent SRE has never been released with the old names, so it emits the latest by default —
 * {@code gen_ai.provider.name}, never {@code gen_ai.system} — and {@code gen_ai_latest_experimental}
 * changes nothing. For a backend whose queries still read {@code gen_ai.system}, the value
 * {@code gen_ai/dup} (this library's, on the pattern of the {@code http/dup} and {@code database/dup}
 * migrations; the GenAI plan defines no duplicate mode) emits both, with the same value.
 */
public enum GenAiConventions {

    /** The latest experimental conventions only (the default). */
    LATEST,
    /** The latest conventions, plus the deprecated {@code gen_ai.system} beside {@code gen_ai.provider.name}. */
    LATEST_AND_LEGACY;

    /** The environment variable read by {@link #fromEnvironment()}. */
    public static final String OPT_IN_VARIABLE = "OTEL_SEMCONV_STABILITY_OPT_IN";
    /** The system property read when the variable is not set (the OpenTelemetry Java agent's spelling). */
    public static final String OPT_IN_PROPERTY = "otel.semconv-stability.opt-in";
    /** The opt-in value that also emits the deprecated names. */
    public static final String DUPLICATE = "gen_ai/dup";

    /** The mode {@code OTEL_SEMCONV_STABILITY_OPT_IN} (or the system property) asks for. */
    public static GenAiConventions fromEnvironment() {
        String value = System.getenv(OPT_IN_VARIABLE);
        return parse(value != null ? value : System.getProperty(OPT_IN_PROPERTY));
    }

    /**
     * The mode of an opt-in list (comma-separated, as the variable holds it; null or empty is the
     * default): {@link #LATEST_AND_LEGACY} when it names {@value #DUPLICATE}, else {@link #LATEST}.
     */
    public static GenAiConventions parse(String optIn) {
        if (optIn != null) {
            for (String value : optIn.split(",")) {
                if (value.trim().toLowerCase(Locale.ROOT).equals(DUPLICATE)) {
                    return LATEST_AND_LEGACY;
                }
            }
        }
        return LATEST;
    }
}
