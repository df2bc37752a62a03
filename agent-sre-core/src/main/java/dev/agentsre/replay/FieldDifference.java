package dev.agentsre.replay;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One field that differs between two steps.
 *
 * @param path where, e.g. {@code request.order.id} or {@code response.items[2].price}
 * @param expected the value in the first (expected) trace, or a missing node
 * @param actual the value in the second (actual) trace, or a missing node
 */
public record FieldDifference(String path, JsonNode expected, JsonNode actual) {

    @Override
    public String toString() {
        return path + ": " + (expected.isMissingNode() ? "(absent)" : expected.toString()) + " -> "
                + (actual.isMissingNode() ? "(absent)" : actual.toString());
    }
}
