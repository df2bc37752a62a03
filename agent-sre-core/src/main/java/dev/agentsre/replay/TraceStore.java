package dev.agentsre.replay;

import dev.agentsre.internal.Check;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Stores traces as {@code <traceId>.jsonl} files in a directory (default {@code ./traces}, created on
 * first write).
 *
 * <p><b>Atomic writes.</b> A trace is written to a temporary file in the same directory and moved
 * into place atomically, so a crash mid-write never leaves a half trace that loads as whole; if a
 * file does end up cut (written by something else, or copied half), {@link #load} returns every
 * whole step and reports the rest in {@link Trace#problems()}.
 *
 * <p><b>Ids</b> are validated ({@code [A-Za-z0-9][A-Za-z0-9._-]{0,127}}): no path traversal, no
 * hidden files. <b>Retention</b>: keep at most {@code maxTraces} (oldest deleted first) and none older
 * than {@code maxAge}, applied after every save. Thread-safe (file-system atomicity).
 */
public final class TraceStore {

    /** The default directory, relative to the working directory. */
    public static final Path DEFAULT_DIRECTORY = Path.of("traces");
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");
    private static final String SUFFIX = ".jsonl";

    private final Path directory;
    private final int maxTraces;
    private final Duration maxAge;
    private final Clock clock;

    private TraceStore(Path directory, int maxTraces, Duration maxAge, Clock clock) {
        this.directory = Check.notNull("directory", directory);
        this.maxTraces = Check.positive("maxTraces", maxTraces);
        this.maxAge = maxAge;
        this.clock = Check.notNull("clock", clock);
    }

    /** A store in {@link #DEFAULT_DIRECTORY}, keeping at most 10,000 traces. */
    public static TraceStore defaults() {
        return directory(DEFAULT_DIRECTORY);
    }

    /** A store in {@code directory}, keeping at most 10,000 traces. */
    public static TraceStore directory(Path directory) {
        return new TraceStore(directory, 10_000, null, Clock.systemUTC());
    }

    /** This store keeping at most {@code maxTraces} traces and none older than {@code maxAge} (null: no age limit). */
    public TraceStore withRetention(int maxTraces, Duration maxAge) {
        if (maxAge != null) {
            Check.positive("maxAge", maxAge);
        }
        return new TraceStore(directory, maxTraces, maxAge, clock);
    }

    /** This store with another clock (for retention by age). */
    public TraceStore withClock(Clock clock) {
        return new TraceStore(directory, maxTraces, maxAge, clock);
    }

    /** Writes {@code trace} atomically, then applies retention. */
    public void save(Trace trace) {
        Path target = file(trace.traceId());
        try {
            Files.createDirectories(directory);
            Path temp = Files.createTempFile(directory, ".tmp-" + trace.traceId(), SUFFIX);
            try {
                try (Writer out = Files.newBufferedWriter(temp, StandardCharsets.UTF_8)) {
                    TraceFormat.write(trace, out);
                }
                Files.setLastModifiedTime(temp, FileTime.from(clock.instant()));
                try {
                    Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                } catch (AtomicMoveNotSupportedException e) {
                    Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
                }
            } finally {
                Files.deleteIfExists(temp);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot save trace " + trace.traceId() + " in " + directory, e);
        }
        applyRetention();
    }

    /**
     * Loads a trace.
     *
     * @throws IllegalArgumentException for an invalid id, or when no such trace exists
     */
    public Trace load(String traceId) {
        Path file = file(traceId);
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            return TraceFormat.read(in);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException("no trace with id '" + traceId + "' in " + directory, e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Ids of the stored traces, oldest first. */
    public List<String> list() {
        List<Path> files = files();
        List<String> ids = new ArrayList<>();
        for (Path f : files) {
            String name = f.getFileName().toString();
            ids.add(name.substring(0, name.length() - SUFFIX.length()));
        }
        return ids;
    }

    /** Deletes a trace; returns whether it existed. */
    public boolean delete(String traceId) {
        try {
            return Files.deleteIfExists(file(traceId));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Deletes traces beyond the count or age limits; returns how many. */
    public int applyRetention() {
        List<Path> files = files();
        int deleted = 0;
        try {
            if (maxAge != null) {
                FileTime oldest = FileTime.from(clock.instant().minus(maxAge));
                for (Path f : new ArrayList<>(files)) {
                    if (Files.getLastModifiedTime(f).compareTo(oldest) < 0 && Files.deleteIfExists(f)) {
                        files.remove(f);
                        deleted++;
                    }
                }
            }
            for (int i = 0; files.size() - i > maxTraces; i++) {
                if (Files.deleteIfExists(files.get(i))) {
                    deleted++;
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return deleted;
    }

    /** The directory. */
    public Path directory() {
        return directory;
    }

    private List<Path> files() {
        List<Path> files = new ArrayList<>();
        if (!Files.isDirectory(directory)) {
            return files;
        }
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(directory, "*" + SUFFIX)) {
            for (Path f : stream) {
                if (!f.getFileName().toString().startsWith(".")) {
                    files.add(f);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        files.sort(Comparator.comparing((Path f) -> {
            try {
                return Files.getLastModifiedTime(f);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }).thenComparing(Path::toString));
        return files;
    }

    private Path file(String traceId) {
        if (traceId == null || !ID.matcher(traceId).matches()) {
            throw new IllegalArgumentException("traceId must match " + ID.pattern() + " (no paths, no hidden files), got '" + traceId + "'");
        }
        return directory.resolve(traceId + SUFFIX);
    }
}
