package dev.agentsre.store.internal;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.agentsre.store.Flag;
import dev.agentsre.store.WindowSnapshot;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The JSON form of the snapshotted state (budgets, flags, windows), with a format version. Decoding
 * validates everything it reads: a damaged document is an {@link IOException}, never half-loaded
 * state. Not API.
 */
public final class StateCodec {

    /** Format version written; documents of another version are refused. */
    public static final int VERSION = 1;
    /** Section names. */
    public static final String BUDGETS = "budgets";
    /** Section names. */
    public static final String FLAGS = "flags";
    /** Section names. */
    public static final String WINDOWS = "windows";

    private static final ObjectMapper MAPPER = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES, true)
            .configure(DeserializationFeature.FAIL_ON_TRAILING_TOKENS, true);

    private StateCodec() {
    }

    /** Decodes one section's bytes. */
    @FunctionalInterface
    public interface Decoder<T> {
        /** Decodes, or throws {@link IOException} for a damaged document. */
        T decode(byte[] bytes) throws IOException;
    }

    /** The budget state as JSON. */
    public static byte[] encodeBudgets(BudgetState state) throws IOException {
        return MAPPER.writeValueAsBytes(new BudgetDoc(VERSION, state.scopes(), state.entries()));
    }

    /** Budget state from JSON. */
    public static BudgetState decodeBudgets(byte[] bytes) throws IOException {
        BudgetDoc doc = read(bytes, BudgetDoc.class);
        checkVersion(doc.v());
        try {
            for (BudgetState.EntryRow row : doc.entries()) {
                if (row.state() < 0 || row.state() > 2 || row.keys().size() != row.retainUntil().size() || row.amount() < 0) {
                    throw new IOException("damaged budget entry '" + row.id() + "'");
                }
            }
            return new BudgetState(doc.scopes(), doc.entries());
        } catch (NullPointerException | IllegalArgumentException e) {
            throw new IOException("damaged budget state: " + e.getMessage(), e);
        }
    }

    /** Flags as JSON. */
    public static byte[] encodeFlags(List<Flag> flags) throws IOException {
        List<FlagRow> rows = new ArrayList<>(flags.size());
        for (Flag f : flags) {
            rows.add(new FlagRow(f.key(), f.value(), f.setAt().toEpochMilli(), f.expiresAt() == null ? -1 : f.expiresAt().toEpochMilli()));
        }
        return MAPPER.writeValueAsBytes(new FlagDoc(VERSION, rows));
    }

    /** Flags from JSON. */
    public static List<Flag> decodeFlags(byte[] bytes) throws IOException {
        FlagDoc doc = read(bytes, FlagDoc.class);
        checkVersion(doc.v());
        try {
            List<Flag> flags = new ArrayList<>(doc.flags().size());
            for (FlagRow row : doc.flags()) {
                flags.add(new Flag(row.key(), row.value(), Instant.ofEpochMilli(row.setAt()),
                        row.expiresAt() < 0 ? null : Instant.ofEpochMilli(row.expiresAt())));
            }
            return flags;
        } catch (NullPointerException | IllegalArgumentException e) {
            throw new IOException("damaged flags: " + e.getMessage(), e);
        }
    }

    /** Windows as JSON. */
    public static byte[] encodeWindows(Map<String, WindowSnapshot> windows) throws IOException {
        List<WindowRow> rows = new ArrayList<>(windows.size());
        windows.forEach((key, w) -> {
            List<long[]> buckets = new ArrayList<>();
            for (WindowSnapshot.Bucket b : w.buckets()) {
                buckets.add(new long[] {b.index(), b.total(), b.bad()});
            }
            rows.add(new WindowRow(key, w.bucketMillis(), w.size(), buckets, w.lifetimeTotal(), w.lifetimeBad(), w.firstEventMillis()));
        });
        return MAPPER.writeValueAsBytes(new WindowDoc(VERSION, rows));
    }

    /** Windows from JSON. */
    public static Map<String, WindowSnapshot> decodeWindows(byte[] bytes) throws IOException {
        WindowDoc doc = read(bytes, WindowDoc.class);
        checkVersion(doc.v());
        try {
            Map<String, WindowSnapshot> windows = new LinkedHashMap<>();
            for (WindowRow row : doc.windows()) {
                List<WindowSnapshot.Bucket> buckets = new ArrayList<>(row.buckets().size());
                for (long[] b : row.buckets()) {
                    if (b.length != 3) {
                        throw new IOException("damaged window '" + row.key() + "': a bucket of " + b.length + " numbers");
                    }
                    buckets.add(new WindowSnapshot.Bucket(b[0], b[1], b[2]));
                }
                windows.put(row.key(), WindowSnapshot.of(row.bucketMillis(), row.size(), buckets, row.lifetimeTotal(),
                        row.lifetimeBad(), row.firstEventMillis()));
            }
            return windows;
        } catch (NullPointerException | IllegalArgumentException e) {
            throw new IOException("damaged windows: " + e.getMessage(), e);
        }
    }

    private static <T> T read(byte[] bytes, Class<T> type) throws IOException {
        try {
            T doc = MAPPER.readValue(bytes, type);
            if (doc == null) {
                throw new IOException("empty document");
            }
            return doc;
        } catch (RuntimeException e) {
            throw new IOException("damaged document: " + e.getMessage(), e);
        }
    }

    private static void checkVersion(int v) throws IOException {
        if (v != VERSION) {
            throw new IOException("format version " + v + " is not " + VERSION);
        }
    }

    record BudgetDoc(int v, List<BudgetState.ScopeRow> scopes, List<BudgetState.EntryRow> entries) {
    }

    record FlagDoc(int v, List<FlagRow> flags) {
    }

    record FlagRow(String key, String value, long setAt, long expiresAt) {
    }

    record WindowDoc(int v, List<WindowRow> windows) {
    }

    record WindowRow(String key, long bucketMillis, int size, List<long[]> buckets, long lifetimeTotal, long lifetimeBad, long firstEventMillis) {
    }
}
