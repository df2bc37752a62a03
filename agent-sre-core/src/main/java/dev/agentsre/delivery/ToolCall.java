package dev.agentsre.delivery;

import com.fasterxml.jackson.databind.JsonNode;
import dev.agentsre.internal.Check;

/**
 * One tool call (or delegation) of a version's run, as trajectory comparators see it.
 *
 * @param name the tool's name (a delegation: the agent's)
 * @param arguments the arguments as redacted JSON (the same form replay records and matches)
 */
public record ToolCall(String name, JsonNode arguments) {

    /** Validates. */
    public ToolCall {
        Check.notBlank("name", name);
        Check.notNull("arguments", arguments);
    }
}
