package dev.agentsre.incident;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;

/** {@link RunbookExecutionStore} in memory, bounded (final executions dropped oldest first). */
final class InMemoryExecutionStore implements RunbookExecutionStore {

    private final int max;
    private final LinkedHashMap<String, RunbookExecution> executions = new LinkedHashMap<>();

    InMemoryExecutionStore(int max) {
        this.max = max;
    }

    @Override
    public synchronized void save(RunbookExecution execution) {
        executions.put(execution.id(), execution);
        Iterator<RunbookExecution> it = executions.values().iterator();
        while (executions.size() > max && it.hasNext()) {
            if (it.next().state().isFinal()) {
                it.remove();
            }
        }
    }

    @Override
    public synchronized List<RunbookExecution> loadAll() {
        return new ArrayList<>(executions.values());
    }
}
