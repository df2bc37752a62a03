package dev.agentsre.store.internal;

import java.io.IOException;
import java.util.Map;
import java.util.Optional;

/** Where a snapshotting store writes its sections: files or a database table. Not API. */
public interface SnapshotMedium {

    /**
     * The newest readable copy of {@code section}, decoded; empty when there is none. A medium that
     * keeps an older copy falls back to it (with a warning) when the newest cannot be decoded.
     *
     * @throws IOException if the section exists but no copy of it can be read or decoded
     */
    <T> Optional<T> read(String section, StateCodec.Decoder<T> decoder) throws IOException;

    /** Writes {@code sections} (name to bytes), each atomically. */
    void write(Map<String, byte[]> sections) throws IOException;

    /** Where, for messages. */
    String describe();
}
