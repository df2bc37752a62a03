package dev.agentsre.store.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sections as files in one directory: {@code <section>.json}, and the copy before it as
 * {@code <section>.json.prev}. A write goes to a temporary file that is forced to disk and then
 * renamed over the current one (after the current one is renamed to {@code .prev}), so a crash at
 * any point leaves a complete current or previous copy. A current copy that cannot be decoded is
 * skipped for the previous one with a warning. Not API.
 */
public final class FileSnapshots implements SnapshotMedium {

    private static final Logger LOG = LoggerFactory.getLogger(FileSnapshots.class);

    private final Path directory;

    /** Sections in {@code directory} (created if missing). */
    public FileSnapshots(Path directory) throws IOException {
        this.directory = directory;
        Files.createDirectories(directory);
    }

    /** The current file of {@code section}. */
    public Path current(String section) {
        return directory.resolve(section + ".json");
    }

    /** The previous file of {@code section}. */
    public Path previous(String section) {
        return directory.resolve(section + ".json.prev");
    }

    @Override
    public <T> Optional<T> read(String section, StateCodec.Decoder<T> decoder) throws IOException {
        Path current = current(section);
        Path previous = previous(section);
        IOException currentFailure = null;
        try {
            return Optional.of(decoder.decode(Files.readAllBytes(current)));
        } catch (NoSuchFileException e) {
            // no current copy (first start, or a crash between the two renames): try the previous one
        } catch (IOException e) {
            currentFailure = e;
        }
        try {
            T value = decoder.decode(Files.readAllBytes(previous));
            if (currentFailure != null) {
                LOG.warn("{} is damaged ({}); loaded the previous snapshot {} instead: changes after it are lost",
                        current, currentFailure.getMessage(), previous);
            }
            return Optional.of(value);
        } catch (NoSuchFileException e) {
            if (currentFailure != null) {
                throw new IOException(current + " is damaged and there is no previous snapshot: " + currentFailure.getMessage()
                        + " (move the file away to start from nothing)", currentFailure);
            }
            return Optional.empty();
        } catch (IOException e) {
            if (currentFailure == null) {
                throw new IOException(previous + " is damaged and there is no current snapshot: " + e.getMessage(), e);
            }
            throw new IOException(current + " and " + previous + " are both damaged: " + currentFailure.getMessage()
                    + "; " + e.getMessage() + " (move them away to start from nothing)", e);
        }
    }

    @Override
    public void write(Map<String, byte[]> sections) throws IOException {
        for (Map.Entry<String, byte[]> e : sections.entrySet()) {
            writeOne(e.getKey(), e.getValue());
        }
        forceDirectory();
    }

    private void writeOne(String section, byte[] bytes) throws IOException {
        Path tmp = directory.resolve(section + ".json.tmp");
        try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer buffer = ByteBuffer.wrap(bytes);
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
            channel.force(true);
        }
        Path current = current(section);
        if (Files.exists(current)) {
            move(current, previous(section));
        }
        move(tmp, current);
    }

    private static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private void forceDirectory() {
        // makes the renames durable where the platform allows opening a directory (Linux does)
        try (FileChannel dir = FileChannel.open(directory, StandardOpenOption.READ)) {
            dir.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            // not supported here: the renames are still atomic, only their durability on power loss is the OS's
        }
    }

    @Override
    public String describe() {
        return directory.toString();
    }
}
