package dev.agentsre.alert;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link NotificationLog} kept in a file of JSON lines, one per delivered notification. Opening
 * reads the file (a damaged line, e.g. cut by a crash mid-write, is skipped with a warning) and
 * keeps the newest entry per (receiver, group); the file is rewritten compactly (temporary file,
 * atomic rename) when it opens and whenever superseded lines outnumber live ones. Bounded like
 * the in-memory log. Thread-safe within one JVM; one writer per file.
 */
final class FileNotificationLog extends InMemoryNotificationLog {

    private static final Logger LOG = LoggerFactory.getLogger(FileNotificationLog.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path path;
    private int lines;

    FileNotificationLog(Path path, int maxEntries, Duration retention) {
        super(maxEntries, retention);
        this.path = path.toAbsolutePath();
        synchronized (this) {
            load();
            compact();
        }
    }

    @Override
    public synchronized void record(Entry entry) {
        super.record(entry);
        try (BufferedWriter out = Files.newBufferedWriter(path, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                StandardOpenOption.APPEND, StandardOpenOption.WRITE)) {
            out.write(toJson(entry));
            out.write('\n');
        } catch (IOException e) {
            throw new UncheckedIOException("could not append to the notification log " + path, e);
        }
        lines++;
        if (lines > 2 * size() + 64) {
            compact();
        }
    }

    private void load() {
        if (!Files.exists(path)) {
            return;
        }
        List<String> text;
        try {
            text = Files.readAllLines(path, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("could not read the notification log " + path, e);
        }
        int number = 0;
        Instant newest = Instant.EPOCH;
        for (String line : text) {
            number++;
            if (line.isBlank()) {
                continue;
            }
            try {
                Entry entry = fromJson(JSON.readTree(line));
                put(entry);
                if (entry.timestamp().isAfter(newest)) {
                    newest = entry.timestamp();
                }
            } catch (IOException | RuntimeException e) {
                LOG.warn("notification log {}: line {} is damaged and was skipped ({})", path, number, e.getMessage());
            }
        }
        prune(newest.minus(retention()));
    }

    private void compact() {
        Path temp = path.resolveSibling(path.getFileName() + ".tmp");
        try {
            Files.createDirectories(path.getParent());
            int written = 0;
            try (BufferedWriter out = Files.newBufferedWriter(temp, StandardCharsets.UTF_8)) {
                for (Entry entry : all()) {
                    out.write(toJson(entry));
                    out.write('\n');
                    written++;
                }
            }
            try {
                Files.move(temp, path, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, path, StandardCopyOption.REPLACE_EXISTING);
            }
            lines = written;
        } catch (IOException e) {
            throw new UncheckedIOException("could not rewrite the notification log " + path, e);
        }
    }

    private static String toJson(Entry entry) {
        ObjectNode node = JSON.createObjectNode();
        node.put("receiver", entry.receiver());
        node.put("group", entry.groupKey());
        ArrayNode firing = node.putArray("firing");
        for (long fp : entry.firing()) {
            firing.add(Alert.hex(fp));
        }
        ArrayNode resolved = node.putArray("resolved");
        for (long fp : entry.resolved()) {
            resolved.add(Alert.hex(fp));
        }
        node.put("severity", entry.severity().label());
        node.put("timestamp", entry.timestamp().toString());
        return node.toString();
    }

    private static Entry fromJson(JsonNode node) {
        return new Entry(node.get("receiver").asText(), node.get("group").asText(), fingerprints(node.get("firing")),
                fingerprints(node.get("resolved")), Severity.parse(node.get("severity").asText()), Instant.parse(node.get("timestamp").asText()));
    }

    private static long[] fingerprints(JsonNode array) {
        long[] values = new long[array.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = Long.parseUnsignedLong(array.get(i).asText(), 16);
        }
        return values;
    }
}
