package dev.agentsre.incident;

import dev.agentsre.internal.Check;
import java.nio.file.Path;
import java.util.List;

/**
 * Where runbook executions are kept, so that an execution waiting for approval survives a restart:
 * a new {@link Runbooks} over the same store finds it and {@link Runbooks#approve} resumes it.
 * Implementations must be thread-safe.
 */
public interface RunbookExecutionStore {

    /** Writes (replaces) an execution. */
    void save(RunbookExecution execution);

    /** Every execution held. */
    List<RunbookExecution> loadAll();

    /** Executions in memory (lost on restart); the most recent {@code 1,000} kept. */
    static RunbookExecutionStore inMemory() {
        return new InMemoryExecutionStore(1_000);
    }

    /**
     * One JSON file per execution in {@code directory} (created if absent), each written to a
     * temporary file and renamed atomically; final executions beyond the newest 1,000 are deleted.
     */
    static RunbookExecutionStore directory(Path directory) {
        return new FileExecutionStore(Check.notNull("directory", directory), 1_000);
    }
}
