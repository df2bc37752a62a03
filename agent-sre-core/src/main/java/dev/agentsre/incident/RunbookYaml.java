package dev.agentsre.incident;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.agentsre.internal.Check;
import dev.agentsre.time.Durations;
import java.io.IOException;
import java.io.Reader;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Loads runbooks from YAML. Actions are names resolved against an {@link ActionRegistry} while
 * loading: an unknown action is an error naming the source, the runbook and the step. Every other
 * mistake is an {@link IllegalArgumentException} naming where it is.
 *
 * <pre>{@code
 * runbooks:
 *   - id: restart-agent
 *     name: Restart Agent
 *     description: Restart an unhealthy agent after capturing its state.
 *     triggers:                        # or the Python original's trigger_conditions: [{type, severity: p2}]
 *       - signal: tool_failure_spike
 *       - signal: latency_spike
 *         severity: SEV2
 *     labels: {category: remediation, risk: low}
 *     steps:
 *       - id: restart
 *         name: Restart agent
 *         action: reset_agent
 *         params: {agent: "${agent}"}
 *         timeout: 2m                   # or timeout_seconds: 120
 *         attempts: 2
 *         retry_delay: 10s
 *         on_failure: abort             # continue, goto:<step>
 *         approval: {approvers: [alice, bob], min_approvals: 1, timeout: 15m, on_timeout: abort}   # or requires_approval: true
 *         compensate: {action: open_circuit, params: {}}                                           # or rollback_action: open_circuit
 * }</pre>
 */
public final class RunbookYaml {

    /** Runbooks per document at most. */
    public static final int MAX_RUNBOOKS = 1_000;

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private RunbookYaml() {
    }

    /**
     * Parses every runbook of a document.
     *
     * @param source names the document in errors (a file name)
     * @throws IllegalArgumentException naming the source, runbook and step of the first mistake
     */
    public static List<Runbook> parse(Reader yaml, String source, ActionRegistry actions) {
        Check.notNull("yaml", yaml);
        Check.notNull("actions", actions);
        JsonNode root;
        try {
            root = YAML.readTree(yaml);
        } catch (IOException e) {
            throw new IllegalArgumentException(source + ": not valid YAML: " + e.getMessage(), e);
        }
        if (root == null || root.isNull() || root.isMissingNode()) {
            return List.of();
        }
        if (!root.isObject()) {
            throw new IllegalArgumentException(source + ": the document must be a mapping with a 'runbooks' list");
        }
        JsonNode list = root.get("runbooks");
        if (list == null || list.isNull()) {
            return List.of();
        }
        if (!list.isArray()) {
            throw new IllegalArgumentException(source + ": 'runbooks' must be a list");
        }
        if (list.size() > MAX_RUNBOOKS) {
            throw new IllegalArgumentException(source + ": " + list.size() + " runbooks, more than " + MAX_RUNBOOKS + "; split the file");
        }
        List<Runbook> runbooks = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        int index = 0;
        for (JsonNode node : list) {
            String where = source + ": runbooks[" + index++ + "]";
            if (!node.isObject()) {
                throw new IllegalArgumentException(where + " must be a mapping");
            }
            String id = text(node, "id", where, true);
            where = source + ": runbook '" + id + "'";
            if (!ids.add(id)) {
                throw new IllegalArgumentException(where + ": the id is used twice");
            }
            try {
                runbooks.add(runbook(node, id, where, actions));
            } catch (IllegalArgumentException e) {
                throw e.getMessage().startsWith(source) ? e : new IllegalArgumentException(where + ": " + e.getMessage(), e);
            }
        }
        return runbooks;
    }

    private static Runbook runbook(JsonNode node, String id, String where, ActionRegistry actions) {
        List<Runbook.Trigger> triggers = new ArrayList<>();
        for (String field : List.of("triggers", "trigger_conditions")) {
            JsonNode list = node.get(field);
            if (list == null || list.isNull()) {
                continue;
            }
            if (!list.isArray()) {
                throw new IllegalArgumentException(where + ": '" + field + "' must be a list");
            }
            for (JsonNode t : list) {
                String type = t.hasNonNull("signal") ? t.get("signal").asText() : t.hasNonNull("type") ? t.get("type").asText() : null;
                String severity = t.hasNonNull("severity") ? t.get("severity").asText() : null;
                triggers.add(new Runbook.Trigger(type == null ? null : SignalType.parse(type),
                        severity == null ? null : IncidentSeverity.parse(severity)));
            }
        }
        Map<String, String> labels = strings(node.get("labels"), where + ": labels");
        JsonNode steps = node.get("steps");
        if (steps == null || !steps.isArray() || steps.isEmpty()) {
            throw new IllegalArgumentException(where + ": 'steps' must be a non-empty list");
        }
        if (steps.size() > Runbook.MAX_STEPS) {
            throw new IllegalArgumentException(where + ": " + steps.size() + " steps, more than " + Runbook.MAX_STEPS);
        }
        List<RunbookStep> parsed = new ArrayList<>();
        int index = 0;
        for (JsonNode step : steps) {
            String stepWhere = where + ", steps[" + index + "]";
            String stepId = step.hasNonNull("id") ? step.get("id").asText() : "step-" + (index + 1);
            index++;
            stepWhere = where + ", step '" + stepId + "'";
            parsed.add(step(step, stepId, stepWhere, actions));
        }
        return new Runbook(id, node.hasNonNull("name") ? node.get("name").asText() : id,
                node.hasNonNull("description") ? node.get("description").asText().trim() : "", triggers, labels, parsed);
    }

    private static RunbookStep step(JsonNode node, String id, String where, ActionRegistry actions) {
        if (!node.isObject()) {
            throw new IllegalArgumentException(where + " must be a mapping");
        }
        String actionName = text(node, "action", where, true);
        RunbookStep.Builder step = RunbookStep.builder(id, actionName, actions);
        if (node.hasNonNull("name")) {
            step.name(node.get("name").asText());
        }
        strings(node.get("params"), where + ": params").forEach(step::param);
        Duration timeout = node.hasNonNull("timeout") ? duration(node.get("timeout").asText(), where + ": timeout")
                : node.hasNonNull("timeout_seconds") ? Duration.ofSeconds(positive(node.get("timeout_seconds"), where + ": timeout_seconds"))
                : null;
        if (timeout != null) {
            step.timeout(timeout);
        }
        if (node.hasNonNull("attempts")) {
            Duration delay = node.hasNonNull("retry_delay") ? duration(node.get("retry_delay").asText(), where + ": retry_delay")
                    : Durations.parse(RunbookStep.DEFAULT_RETRY_DELAY_TEXT);
            step.attempts((int) positive(node.get("attempts"), where + ": attempts"), delay);
        }
        if (node.hasNonNull("on_failure")) {
            try {
                step.onFailure(RunbookStep.OnFailure.parse(node.get("on_failure").asText()));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(where + ": " + e.getMessage(), e);
            }
        }
        JsonNode approval = node.get("approval");
        if (approval != null && !approval.isNull()) {
            step.approval(approval(approval, where + ": approval"));
        } else if (node.path("requires_approval").asBoolean(false)) {
            step.approval(Approval.required());
        }
        JsonNode compensate = node.get("compensate");
        if (compensate != null && !compensate.isNull()) {
            String name = compensate.isTextual() ? compensate.asText() : text(compensate, "action", where + ": compensate", true);
            step.compensate(name);
            if (compensate.isObject()) {
                strings(compensate.get("params"), where + ": compensate.params").forEach(step::compensationParam);
            }
        } else if (node.hasNonNull("rollback_action")) {
            step.compensate(node.get("rollback_action").asText());
        }
        return step.build();
    }

    private static Approval approval(JsonNode node, String where) {
        if (node.isBoolean()) {
            return node.asBoolean() ? Approval.required() : null;
        }
        if (!node.isObject()) {
            throw new IllegalArgumentException(where + " must be a mapping or true");
        }
        Set<String> approvers = new java.util.LinkedHashSet<>();
        JsonNode list = node.get("approvers");
        if (list != null && list.isArray()) {
            list.forEach(a -> approvers.add(a.asText()));
        }
        int min = node.hasNonNull("min_approvals") ? (int) positive(node.get("min_approvals"), where + ".min_approvals") : 1;
        Duration timeout = node.hasNonNull("timeout") ? duration(node.get("timeout").asText(), where + ".timeout")
                : Durations.parse(Approval.DEFAULT_TIMEOUT_TEXT);
        Approval.OnTimeout onTimeout;
        String text = node.hasNonNull("on_timeout") ? node.get("on_timeout").asText() : "abort";
        try {
            onTimeout = Approval.OnTimeout.valueOf(text.trim().toUpperCase(java.util.Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(where + ".on_timeout must be abort or skip, got '" + text + "'");
        }
        try {
            return new Approval(approvers, min, timeout, onTimeout);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(where + ": " + e.getMessage(), e);
        }
    }

    private static String text(JsonNode node, String field, String where, boolean required) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull() || v.asText().isBlank()) {
            if (required) {
                throw new IllegalArgumentException(where + ": '" + field + "' is required");
            }
            return null;
        }
        return v.asText().trim();
    }

    private static Map<String, String> strings(JsonNode node, String where) {
        Map<String, String> map = new LinkedHashMap<>();
        if (node == null || node.isNull()) {
            return map;
        }
        if (!node.isObject()) {
            throw new IllegalArgumentException(where + " must be a mapping");
        }
        Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> f = fields.next();
            map.put(f.getKey(), f.getValue().asText());
        }
        return map;
    }

    private static Duration duration(String text, String where) {
        try {
            return Durations.parsePositive(where, text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(e.getMessage().startsWith(where) ? e.getMessage() : where + ": " + e.getMessage(), e);
        }
    }

    private static long positive(JsonNode node, String where) {
        if (!node.canConvertToLong() || node.asLong() <= 0) {
            throw new IllegalArgumentException(where + " must be a positive whole number, got '" + node.asText() + "'");
        }
        return node.asLong();
    }
}
