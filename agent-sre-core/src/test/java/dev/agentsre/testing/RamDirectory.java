package dev.agentsre.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * A temporary directory in memory ({@code /dev/shm}) where the machine has one, else under the
 * default temporary directory: for tests that create and delete thousands of files, which a
 * journaling disk makes slow (deleting a file costs ~2 ms on this machine's disk, ~25 µs in memory).
 * Deleted with its contents on {@link #close()}.
 */
public final class RamDirectory implements AutoCloseable {

    private final Path path;

    private RamDirectory(Path path) {
        this.path = path;
    }

    /** A new empty directory. */
    public static RamDirectory create(String prefix) throws IOException {
        Path shm = Path.of("/dev/shm");
        return new RamDirectory(Files.isDirectory(shm) && Files.isWritable(shm) ? Files.createTempDirectory(shm, prefix)
                : Files.createTempDirectory(prefix));
    }

    /** The directory. */
    public Path path() {
        return path;
    }

    @Override
    public void close() {
        try (Stream<Path> all = Files.walk(path)) {
            all.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
