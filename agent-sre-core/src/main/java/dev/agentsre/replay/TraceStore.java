package dev.agentsre.replay;

import dev.agentsre.internal.Check;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Stores traces as {@code <traceId>.jsonl} files in a directory (default {@code ./traces}, created on
 * first write).
 *
 * <p><b>Writing.</b> A capture appends each span to its file as the span finishes (one write per
 * span, flushed), so a run that crashes or is killed leaves every step that finished; the
 * {@code trace_end} line, written on close, is what marks a trace whole. {@link #save} writes a whole
 * trace at once, to a temporary file moved into place atomically. A damaged file loads anyway:
 * {@link #load} returns every good line and reports the rest in {@link Trace#problems()}.
 *
 * <p><b>Ids</b> are validated ({@code [A-Za-z0-9][A-Za-z0-9._-]{0,127}}): no path traversal, no
 * hidden files.
 *
 * <p><b>Retention</b>: at most {@code maxTraces} traces (those written longest ago deleted first) and
 * none last written more than {@code maxAge} ago. The store keeps an index of its traces in write
 * order (built by one directory listing on first use), so retention after a save costs O(1)
 * amortised, not a listing and a file stat per trace; traces still being written are never deleted.
 * Every {@code max(1000, maxTraces)} writes, and on {@link #applyRetention()}, the index is rebuilt
 * from the directory, which also catches traces written by other processes. Memory: about 100 bytes
 * per indexed trace. The index is shared by the stores derived from one another ({@link #withRetention},
 * {@link #withClock}); two stores opened separately on one directory see each other's traces at the next
 * rebuild.
 *
 * <p>Thread-safe: any number of threads may save, load, list and delete at once.
 */
public final class TraceStore {

    /** The default directory, relative to the working directory. */
    public static final Path DEFAULT_DIRECTORY = Path.of("traces");
    /** The default cap on stored traces. */
    public static final int DEFAULT_MAX_TRACES = 10_000;
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");
    private static final String SUFFIX = ".jsonl";

    private final Path directory;
    private final int maxTraces;
    private final Duration maxAge;
    private final Clock clock;
    private final Index index;

    private TraceStore(Path directory, int maxTraces, Duration maxAge, Clock clock, Index index) {
        this.directory = Check.notNull("directory", directory);
        this.maxTraces = Check.positive("maxTraces", maxTraces);
        this.maxAge = maxAge;
        this.clock = Check.notNull("clock", clock);
        this.index = index;
    }

    /** A store in {@link #DEFAULT_DIRECTORY}, keeping at most {@value #DEFAULT_MAX_TRACES} traces. */
    public static TraceStore defaults() {
        return directory(DEFAULT_DIRECTORY);
    }

    /** A store in {@code directory}, keeping at most {@value #DEFAULT_MAX_TRACES} traces. */
    public static TraceStore directory(Path directory) {
        return new TraceStore(directory, DEFAULT_MAX_TRACES, null, Clock.systemUTC(), new Index());
    }

    /**
     * This store keeping at most {@code maxTraces} traces and none older than {@code maxAge} (null: no age limit).
     *
     * @throws IllegalArgumentException when {@code maxTraces} or {@code maxAge} is not positive
     */
    public TraceStore withRetention(int maxTraces, Duration maxAge) {
        if (maxAge != null) {
            Check.positive("maxAge", maxAge);
        }
        return new TraceStore(directory, maxTraces, maxAge, clock, index);
    }

    /** This store with another clock (for retention by age). */
    public TraceStore withClock(Clock clock) {
        return new TraceStore(directory, maxTraces, maxAge, clock, index);
    }

    /** Writes {@code trace} at once, atomically (a temporary file moved into place), then applies retention. */
    public void save(Trace trace) {
        Check.notNull("trace", trace);
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
        written(trace.traceId(), false);
    }

    /**
     * Loads a trace; a damaged file loads with what it holds, its damage in {@link Trace#problems()}.
     *
     * @throws IllegalArgumentException for an invalid id, or when no such trace exists
     */
    public Trace load(String traceId) {
        Path file = file(traceId);
        try (InputStream in = Files.newInputStream(file)) {
            return TraceFormat.read(in, traceId);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException("no trace with id '" + traceId + "' in " + directory, e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Ids of the stored traces, least recently written first. */
    public List<String> list() {
        List<String> ids = new ArrayList<>();
        for (Entry e : scan()) {
            ids.add(e.id);
        }
        return ids;
    }

    /** Deletes a trace; returns whether it existed. */
    public boolean delete(String traceId) {
        Path file = file(traceId);
        synchronized (index) {
            index.entries.remove(traceId);
            index.removed.put(traceId, ++index.sequence);
        }
        try {
            return Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Rebuilds the index from the directory and deletes traces beyond the count or age limits; returns how many. */
    public int applyRetention() {
        long listedAt;
        synchronized (index) {
            listedAt = index.sequence;
        }
        List<Entry> found = scan();
        List<String> victims;
        synchronized (index) {
            // The listing, corrected for what this index did while it ran: traces written since stay (at the end,
            // in write order), traces deleted since stay deleted, traces being written are never dropped.
            Map<String, Entry> rebuilt = new LinkedHashMap<>();
            Set<String> listed = new HashSet<>();
            for (Entry e : found) {
                listed.add(e.id);
                Long removedAt = index.removed.get(e.id);
                Entry known = index.entries.get(e.id);
                boolean changedSince = removedAt != null && removedAt > listedAt || known != null && (known.sequence > listedAt || known.writing);
                if (!changedSince) {
                    rebuilt.put(e.id, e);
                }
            }
            for (Entry known : index.entries.values()) {
                // A directory listing taken while other threads rename files into the directory may miss an
                // entry that was there all along (seen on tmpfs): a trace the index knows and the listing
                // lacks is kept while its file exists, so it can never become an untracked file that
                // retention would no longer count.
                if (known.sequence > listedAt || known.writing
                        || !listed.contains(known.id) && Files.exists(directory.resolve(known.id + SUFFIX))) {
                    rebuilt.put(known.id, known);
                }
            }
            index.entries.clear();
            index.entries.putAll(rebuilt);
            index.removed.values().removeIf(at -> at <= listedAt);
            index.loaded = true;
            index.writesSinceScan = 0;
            victims = victims();
        }
        return deleteFiles(victims);
    }

    /** The directory. */
    public Path directory() {
        return directory;
    }

    /**
     * Rejects an id that is not a valid trace id, at once.
     *
     * @throws IllegalArgumentException naming the id
     */
    static String checkId(String traceId) {
        if (traceId == null || !ID.matcher(traceId).matches()) {
            throw new IllegalArgumentException("traceId must match " + ID.pattern() + " (no paths, no hidden files), got '" + traceId + "'");
        }
        return traceId;
    }

    // ---- streaming writes ---------------------------------------------------------------------------

    /** Opens the file of a trace being captured and writes its first line. */
    TraceWriter open(String traceId, String agentId, String parentTraceId, Instant start) throws IOException {
        Path file = file(traceId);
        Files.createDirectories(directory);
        FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING);
        written(traceId, true);
        TraceWriter writer = new TraceWriter(traceId, file, channel);
        writer.append(TraceFormat.startLine(traceId, agentId, parentTraceId, start));
        return writer;
    }

    /** Appends the lines of one trace to its file; one positional write per line, so a kill leaves whole lines. */
    final class TraceWriter {
        private final String traceId;
        private final Path file;
        private final FileChannel channel;

        private TraceWriter(String traceId, Path file, FileChannel channel) {
            this.traceId = traceId;
            this.file = file;
            this.channel = channel;
        }

        synchronized void append(byte[] line) throws IOException {
            ByteBuffer buffer = ByteBuffer.wrap(line);
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
        }

        /** Closes the file, stamps it with the store's clock and applies retention. */
        synchronized void close() throws IOException {
            try {
                channel.close();
                Files.setLastModifiedTime(file, FileTime.from(clock.instant()));
            } finally {
                written(traceId, false);
            }
        }

        String traceId() {
            return traceId;
        }

        TraceStore store() {
            return TraceStore.this;
        }
    }

    // ---- the index and retention ------------------------------------------------------------------------

    /** The traces of a directory in write order; {@code writing} ones are never deleted. */
    private static final class Index {
        final LinkedHashMap<String, Entry> entries = new LinkedHashMap<>();
        /** Ids taken out of the index (deleted), with the sequence number of the removal, since the last rebuild began. */
        final Map<String, Long> removed = new java.util.HashMap<>();
        long sequence;
        boolean loaded;
        int writesSinceScan;
        final java.util.concurrent.atomic.AtomicLong scans = new java.util.concurrent.atomic.AtomicLong();
        /** Ids the next listings leave out, as a listing racing with renames can: for the retention test. */
        volatile java.util.function.Predicate<String> unlisted;
    }

    /** Makes the directory listings leave out the ids {@code unlisted} accepts ({@code null}: none); for tests. */
    void simulateListingMisses(java.util.function.Predicate<String> unlisted) {
        index.unlisted = unlisted;
    }

    /** How many times this store (and those derived from it) listed its directory: for the retention test. */
    long directoryScans() {
        return index.scans.get();
    }

    /** A trace in the index; {@code sequence} orders the index's own changes (0 for entries read from the directory). */
    private record Entry(String id, long writtenAtMillis, boolean writing, long sequence) {
    }

    /** Records that {@code traceId} was (or is being) written now, and deletes what retention no longer keeps. */
    private void written(String traceId, boolean writing) {
        if (!index.loaded) {
            List<Entry> found = scan(); // once per directory, outside the lock
            synchronized (index) {
                if (!index.loaded) {
                    for (Entry e : found) {
                        index.entries.putIfAbsent(e.id, e);
                    }
                    index.loaded = true;
                }
            }
        }
        List<String> victims;
        boolean rescan;
        synchronized (index) {
            index.entries.remove(traceId);
            index.entries.put(traceId, new Entry(traceId, clock.millis(), writing, ++index.sequence));
            rescan = ++index.writesSinceScan >= Math.max(1000, maxTraces);
            victims = rescan ? List.of() : victims();
        }
        if (rescan) {
            applyRetention();
        } else {
            deleteFiles(victims);
        }
    }

    /** Takes the traces retention no longer keeps out of the index; call holding the index lock. */
    private List<String> victims() {
        List<String> victims = new ArrayList<>();
        long oldest = maxAge == null ? Long.MIN_VALUE : clock.millis() - maxAge.toMillis();
        int excess = index.entries.size() - maxTraces;
        for (Iterator<Entry> it = index.entries.values().iterator(); it.hasNext(); ) {
            Entry e = it.next();
            boolean tooMany = excess > 0;
            boolean tooOld = e.writtenAtMillis < oldest;
            if (!tooMany && !tooOld) {
                break; // write order: everything after is newer
            }
            if (e.writing) {
                continue;
            }
            it.remove();
            index.removed.put(e.id, ++index.sequence);
            victims.add(e.id);
            excess--;
        }
        return victims;
    }

    private int deleteFiles(List<String> ids) {
        int deleted = 0;
        for (String id : ids) {
            try {
                if (Files.deleteIfExists(directory.resolve(id + SUFFIX))) {
                    deleted++;
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot delete trace " + id + " from " + directory, e);
            }
        }
        return deleted;
    }

    /** The traces in the directory, least recently written first; files that vanish while listing are skipped. */
    private List<Entry> scan() {
        index.scans.incrementAndGet();
        List<Entry> found = new ArrayList<>();
        if (!Files.isDirectory(directory)) {
            return found;
        }
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(directory, "*" + SUFFIX)) {
            for (Path f : stream) {
                String name = f.getFileName().toString();
                String id = name.substring(0, name.length() - SUFFIX.length());
                java.util.function.Predicate<String> unlisted = index.unlisted;
                if (name.startsWith(".") || !ID.matcher(id).matches() || unlisted != null && unlisted.test(id)) {
                    continue;
                }
                try {
                    found.add(new Entry(id, Files.getLastModifiedTime(f).toMillis(), false, 0));
                } catch (NoSuchFileException vanished) {
                    // deleted by another thread or process since the listing: not a trace any more
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list traces in " + directory, e);
        }
        found.sort(Comparator.comparingLong(Entry::writtenAtMillis).thenComparing(Entry::id));
        return found;
    }

    private Path file(String traceId) {
        return directory.resolve(checkId(traceId) + SUFFIX);
    }
}
