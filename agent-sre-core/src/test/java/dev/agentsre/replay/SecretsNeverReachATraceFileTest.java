package dev.agentsre.replay;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.agentsre.chaos.ChaosScheduler;
import dev.agentsre.testing.ManualScheduledExecutor;
import dev.agentsre.testing.SecretCorpus;
import dev.agentsre.testing.ManualClock;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 14, defects 7 and 8: every secret shape of {@link SecretCorpus}, planted in every position an
 * agent run has — prompts, tool arguments, responses, nested JSON, JSON held in strings (once and
 * twice encoded), URLs, free text, failure messages, decisions and side effects — appears zero times
 * in the trace file and zero times in the log.
 */
class SecretsNeverReachATraceFileTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private final ManualClock clock = ManualClock.at(Instant.parse("2026-08-01T09:00:00Z"));

    /** One agent run with {@code shape} planted everywhere. */
    private void plant(TraceCapture capture, SecretCorpus.Shape shape) throws Exception {
        String key = shape.key();
        String keyed = shape.keyed();
        String sentence = shape.sentence();
        String url = shape.url();
        // prompts
        capture.llm("gpt-4o", Map.of("prompt", sentence), () -> "noted");
        capture.llm("gpt-4o", Map.of("messages", List.of(Map.of("role", "system", "content", "be brief"),
                Map.of("role", "user", "content", sentence))), () -> "noted");
        // arguments: under the key it naturally has, and inside text
        capture.tool("configure", Map.of(key, keyed), () -> "ok");
        capture.tool("note", Map.of("input", sentence), () -> "ok");
        // responses: text, and the key it naturally has
        capture.tool("read_config", Map.of("path", "/etc/app.env"), () -> sentence);
        capture.tool("read_secret", Map.of("name", "prod"), () -> Map.of(key, keyed));
        // nested JSON
        Map<String, Object> nested = new LinkedHashMap<>();
        nested.put("env", List.of(Map.of("service", Map.of(key, keyed, "note", sentence))));
        capture.tool("deploy", nested, () -> Map.of("result", List.of(Map.of("log", sentence))));
        // JSON held in strings: once and twice encoded
        String jsonArguments = JSON.writeValueAsString(Map.of("config", Map.of(key, keyed)));
        capture.tool("http", jsonArguments, () -> JSON.writeValueAsString(Map.of("echo", sentence)));
        capture.tool("queue", JSON.writeValueAsString(Map.of("payload", jsonArguments)), () -> "queued");
        // URLs
        capture.tool("fetch", Map.of("url", url), () -> "GET " + url + " returned 401");
        // free text: a failure's message, a decision, a side effect
        try {
            capture.tool("call_api", Map.of("q", "orders"), () -> {
                throw new IllegalStateException("upstream rejected the request: " + sentence);
            });
        } catch (IllegalStateException expected) {
            // recorded with its message
        }
        capture.decision("reasoning", "I will use this: " + sentence);
        capture.sideEffect("credentials", () -> sentence);
        if (shape.recognisable()) {
            capture.tool("store", Map.of("data", shape.secret(), "list", List.of(shape.secret())), () -> shape.secret());
        }
    }

    @Test
    void noSecretShapeReachesATraceFileOrALogLineFromAnyPosition() throws Exception {
        TraceStore store = TraceStore.directory(dir).withClock(clock);
        List<SecretCorpus.Shape> shapes = SecretCorpus.shapes();
        PrintStream originalErr = System.err;
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        System.setErr(new PrintStream(log, true, StandardCharsets.UTF_8));
        try {
            for (SecretCorpus.Shape shape : shapes) {
                try (TraceCapture capture = ReplayEngine.captureBuilder("agent").traceId(shape.name()).store(store).clock(clock).start()) {
                    plant(capture, shape);
                }
                logAFailureCarrying(shape);
            }
        } finally {
            System.setErr(originalErr);
        }
        String logged = log.toString(StandardCharsets.UTF_8);
        assertThat(logged).as("the scheduler logged each planted failure").contains("could not start its run");
        List<String> leaks = new ArrayList<>();
        for (SecretCorpus.Shape shape : shapes) {
            String file = Files.readString(dir.resolve(shape.name() + ".jsonl"));
            Trace trace = store.load(shape.name());
            assertThat(trace.problems()).as(shape.name()).isEmpty();
            assertThat(trace.spans()).hasSizeGreaterThanOrEqualTo(13);
            for (String fragment : shape.fragments()) {
                if (file.contains(fragment) || file.contains(jsonEscaped(fragment))) {
                    leaks.add(shape.name() + " in its trace file");
                }
                if (logged.contains(fragment)) {
                    leaks.add(shape.name() + " in the log");
                }
            }
        }
        assertThat(leaks).as("secret shapes that leaked, of " + shapes.size()).isEmpty();
        assertThat(shapes).hasSizeGreaterThanOrEqualTo(42);
    }

    /** A library log line carrying the secret: a chaos schedule whose experiment fails to build with it in the message. */
    private void logAFailureCarrying(SecretCorpus.Shape shape) {
        ManualScheduledExecutor executor = new ManualScheduledExecutor(clock);
        ChaosScheduler scheduler = ChaosScheduler.builder(executor).clock(clock).build();
        scheduler.schedule(ChaosScheduler.Schedule.builder("drill").cron("* * * * *").experiment(() -> {
            throw new IllegalStateException("experiment config is broken: " + shape.sentence(),
                    new IllegalArgumentException("while reading " + shape.url()));
        }).build());
        scheduler.start();
        executor.advanceTo(clock.instant().plus(Duration.ofMinutes(1)));
        scheduler.stop();
        assertThat(scheduler.history("drill")).singleElement().satisfies(run -> {
            for (String fragment : shape.fragments()) {
                assertThat(run.note()).doesNotContain(fragment);
            }
        });
    }

    private static String jsonEscaped(String text) {
        try {
            String quoted = JSON.writeValueAsString(text);
            return quoted.substring(1, quoted.length() - 1);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
