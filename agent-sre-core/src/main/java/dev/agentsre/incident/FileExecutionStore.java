package dev.agentsre.incident;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link RunbookExecutionStore} with one JSON file per execution ({@code <id>.json}), written
 * atomically (temporary file, then rename). An unreadable file is skipped with a warning. Final
 * executions beyond {@code max} are deleted oldest first.
 */
final class FileExecutionStore implements RunbookExecutionStore {

    private static final Logger LOG = LoggerFactory.getLogger(FileExecutionStore.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");

    private final Path directory;
    private final int max;

    FileExecutionStore(Path directory, int max) {
        this.directory = directory.toAbsolutePath();
        this.max = max;
    }

    @Override
    public synchronized void save(RunbookExecution e) {
        if (!ID.matcher(e.id()).matches()) {
            throw new IllegalArgumentException("execution id must match " + ID.pattern() + ", got '" + e.id() + "'");
        }
        try {
            Files.createDirectories(directory);
            Path target = directory.resolve(e.id() + ".json");
            Path temp = directory.resolve(e.id() + ".json.tmp");
            Files.writeString(temp, toJson(e), StandardCharsets.UTF_8);
            try {
                Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException ex) {
                Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
            }
            if (e.state().isFinal()) {
                prune();
            }
        } catch (IOException ex) {
            throw new UncheckedIOException("could not save runbook execution " + e.id() + " in " + directory, ex);
        }
    }

    private void prune() throws IOException {
        List<RunbookExecution> finals = new ArrayList<>();
        for (RunbookExecution e : loadAll()) {
            if (e.state().isFinal()) {
                finals.add(e);
            }
        }
        if (finals.size() <= max) {
            return;
        }
        finals.sort(Comparator.comparing(RunbookExecution::updatedAt));
        for (int i = 0; i < finals.size() - max; i++) {
            Files.deleteIfExists(directory.resolve(finals.get(i).id() + ".json"));
        }
    }

    @Override
    public synchronized List<RunbookExecution> loadAll() {
        List<RunbookExecution> all = new ArrayList<>();
        if (!Files.isDirectory(directory)) {
            return all;
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(directory, "*.json")) {
            for (Path file : files) {
                try {
                    all.add(fromJson(JSON.readTree(Files.readString(file, StandardCharsets.UTF_8))));
                } catch (IOException | RuntimeException ex) {
                    LOG.warn("runbook execution file {} is unreadable and was skipped ({})", file, ex.getMessage());
                }
            }
        } catch (IOException ex) {
            throw new UncheckedIOException("could not list runbook executions in " + directory, ex);
        }
        all.sort(Comparator.comparing(RunbookExecution::createdAt).thenComparing(RunbookExecution::id));
        return all;
    }

    static String toJson(RunbookExecution e) {
        ObjectNode root = JSON.createObjectNode();
        root.put("schema", "agentsre.runbook-execution/v1");
        root.put("id", e.id());
        root.put("runbookId", e.runbookId());
        root.put("incidentId", e.incidentId());
        root.put("agentId", e.agentId());
        ObjectNode params = root.putObject("params");
        e.params().forEach(params::put);
        root.put("state", e.state().name());
        root.put("currentStep", e.currentStep());
        root.put("compensating", e.compensating());
        root.put("aborting", e.aborting());
        root.put("createdAt", e.createdAt().toString());
        root.put("updatedAt", e.updatedAt().toString());
        root.put("approvalDeadline", e.approvalDeadline() == null ? null : e.approvalDeadline().toString());
        root.put("detail", e.detail());
        ArrayNode failed = root.putArray("failedCompensations");
        e.failedCompensations().forEach(failed::add);
        root.put("orphaned", e.orphaned());
        ArrayNode steps = root.putArray("steps");
        for (RunbookExecution.StepRecord s : e.steps()) {
            ObjectNode step = steps.addObject();
            step.put("stepId", s.stepId());
            step.put("state", s.state().name());
            step.put("attempts", s.attempts());
            ArrayNode approvals = step.putArray("approvals");
            s.approvals().forEach(approvals::add);
            step.put("output", s.output());
            step.put("compensation", s.compensation().name());
            step.put("compensationOutput", s.compensationOutput());
            step.put("startedAt", s.startedAt() == null ? null : s.startedAt().toString());
            step.put("endedAt", s.endedAt() == null ? null : s.endedAt().toString());
        }
        return root.toString();
    }

    static RunbookExecution fromJson(JsonNode root) {
        Map<String, String> params = new LinkedHashMap<>();
        root.get("params").fields().forEachRemaining(f -> params.put(f.getKey(), f.getValue().asText()));
        List<String> failed = new ArrayList<>();
        root.get("failedCompensations").forEach(n -> failed.add(n.asText()));
        List<RunbookExecution.StepRecord> steps = new ArrayList<>();
        for (JsonNode s : root.get("steps")) {
            List<String> approvals = new ArrayList<>();
            s.get("approvals").forEach(n -> approvals.add(n.asText()));
            steps.add(new RunbookExecution.StepRecord(s.get("stepId").asText(), ExecutionState.valueOf(s.get("state").asText()),
                    s.get("attempts").asInt(), approvals, text(s, "output"), RunbookExecution.Compensation.valueOf(s.get("compensation").asText()),
                    text(s, "compensationOutput"), instant(s, "startedAt"), instant(s, "endedAt")));
        }
        return new RunbookExecution(root.get("id").asText(), root.get("runbookId").asText(), text(root, "incidentId"), text(root, "agentId"),
                params, ExecutionState.valueOf(root.get("state").asText()), root.get("currentStep").asInt(), steps,
                root.get("compensating").asBoolean(), root.path("aborting").asBoolean(false), Instant.parse(root.get("createdAt").asText()), Instant.parse(root.get("updatedAt").asText()),
                instant(root, "approvalDeadline"), text(root, "detail"), failed, root.get("orphaned").asInt());
    }

    private static String text(JsonNode node, String field) {
        JsonNode v = node.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }

    private static Instant instant(JsonNode node, String field) {
        String v = text(node, field);
        return v == null ? null : Instant.parse(v);
    }
}
