package dev.agentsre.examples;

import dev.agentsre.redact.Redactor;
import dev.agentsre.replay.ReplayEngine;
import dev.agentsre.replay.TraceCapture;
import dev.agentsre.replay.TraceStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Redaction: an agent calls a deployment tool with a GitHub token in its arguments, a database URL
 * with a password, and a config string holding an API key; its model gets a prompt with an AWS
 * secret in it and a tool fails with a bearer token in its message. The trace file keeps the run,
 * and none of the secrets.
 */
public final class RedactionExample {

    private RedactionExample() {
    }

    /** What the trace file holds, and whether the secrets are in it. */
    public record Outcome(String traceFile, boolean anySecretWritten, int steps) {
    }

    static final String GITHUB_TOKEN = "ghp_" + "R4nd0mL00k1ngT0k3nV4lu3xyzABCDEF1234";
    static final String DB_PASSWORD = "S3cr3t-db-Passw0rd";
    static final String API_KEY = "sk-proj-" + "Q2x1ZXNzLXRoaXMtaXMtbm90LWEtcmVhbC1rZXk";
    static final String AWS_SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY";
    static final String BEARER = "9f8e7d6c5b4a39281706f5e4d3c2b1a0";

    /** Runs the agent with its trace in {@code directory}. */
    public static Outcome run(Path directory) {
        TraceStore store = TraceStore.directory(directory);
        String traceId;
        try (TraceCapture capture = ReplayEngine.captureBuilder("deploy-bot").store(store)
                .redactor(Redactor.defaults().withKeyName("deploy_key")).start()) {
            traceId = capture.traceId();
            capture.tool("deploy", Map.of("repo", "acme/shop", "github_token", GITHUB_TOKEN,
                    "database_url", "postgres://shop:" + DB_PASSWORD + "@db.internal:5432/shop"), () -> "deployed v42");
            capture.tool("configure", "{\"service\":\"search\",\"openai\":{\"api_key\":\"" + API_KEY + "\"}}", () -> "ok");
            capture.llm("gpt-4o", Map.of("prompt", "Why does aws_secret_access_key = " + AWS_SECRET + " fail?"),
                    () -> "The key was rotated.");
            try {
                capture.tool("notify", Map.of("channel", "#ops"), () -> {
                    throw new IllegalStateException("401 for Authorization: Bearer " + BEARER);
                });
            } catch (IllegalStateException expected) {
                // recorded, redacted, and rethrown to the agent unchanged
            }
        }
        String file;
        try {
            file = Files.readString(directory.resolve(traceId + ".jsonl"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        boolean leaked = false;
        for (String secret : new String[] {GITHUB_TOKEN, DB_PASSWORD, API_KEY, AWS_SECRET, BEARER}) {
            leaked |= file.contains(secret);
        }
        return new Outcome(file, leaked, store.load(traceId).spans().size());
    }

    /** Prints the trace file (traces go to ./traces). */
    public static void main(String[] args) {
        Outcome outcome = run(TraceStore.DEFAULT_DIRECTORY);
        System.out.println(outcome.traceFile());
        System.out.println(outcome.steps() + " steps recorded; any secret written: " + outcome.anySecretWritten());
    }
}
