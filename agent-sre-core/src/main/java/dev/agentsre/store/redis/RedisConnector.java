package dev.agentsre.store.redis;

import dev.agentsre.store.StoreUnavailableException;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisCommandInterruptedException;
import io.lettuce.core.RedisException;
import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.cluster.api.sync.RedisClusterCommands;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The stores' one command connection: opened lazily (on the store's thread, never longer than the
 * command timeout on the caller's), reconnected by Lettuce once open, and every failure to reach
 * Redis turned into a {@link StoreUnavailableException}. Errors that Redis itself returns (a
 * script's error reply) are not outages and pass through as {@link RedisCommandExecutionException}.
 */
final class RedisConnector implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RedisConnector.class);
    /** Least time between two connection attempts. */
    private static final long RETRY_NANOS = TimeUnit.MILLISECONDS.toNanos(500);

    private final Supplier<StatefulConnection<String, String>> connect;
    private final Function<StatefulConnection<String, String>, RedisClusterCommands<String, String>> commandsOf;
    private final Duration timeout;
    private final ExecutorService executor;
    private final Object lock = new Object();
    private volatile StatefulConnection<String, String> connection;
    private volatile RedisClusterCommands<String, String> commands;
    private Future<StatefulConnection<String, String>> connecting;
    private long nextAttemptNanos;
    private boolean failedBefore;
    private String lastFailure = "not connected yet";
    private volatile boolean closed;

    RedisConnector(Supplier<StatefulConnection<String, String>> connect,
                   Function<StatefulConnection<String, String>, RedisClusterCommands<String, String>> commandsOf,
                   Duration timeout, String threadName) {
        this.connect = connect;
        this.commandsOf = commandsOf;
        this.timeout = timeout;
        // connection attempts get threads of their own: a caller waits at most the command timeout,
        // and a store thread that needs the connection never waits for itself
        this.executor = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, threadName);
            t.setDaemon(true);
            return t;
        });
    }

    /** Runs {@code command} on the connection; {@code what} names it in the outage message. */
    <T> T call(String what, Function<RedisClusterCommands<String, String>, T> command) {
        RedisClusterCommands<String, String> sync = commands();
        try {
            return command.apply(sync);
        } catch (RedisCommandExecutionException e) {
            throw e; // Redis answered (with an error): not an outage
        } catch (RedisCommandInterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreUnavailableException("interrupted while waiting for Redis (" + what + ")", e);
        } catch (RedisException e) {
            throw new StoreUnavailableException("Redis did not answer " + what + " within " + timeout.toMillis() + " ms: "
                    + e.getMessage(), e);
        }
    }

    /** Runs a script by its digest, sending its text when Redis does not know it (a restarted Redis). */
    <T> T eval(RedisScript script, String[] keys, String... args) {
        return call(script.name, c -> {
            try {
                return c.evalsha(script.sha, ScriptOutputType.MULTI, keys, args);
            } catch (RedisNoScriptException e) {
                return c.eval(script.text, ScriptOutputType.MULTI, keys, args);
            }
        });
    }

    /** Same as {@link #eval} for a script returning an integer. */
    Long evalLong(RedisScript script, String[] keys, String... args) {
        return call(script.name, c -> {
            try {
                return c.evalsha(script.sha, ScriptOutputType.INTEGER, keys, args);
            } catch (RedisNoScriptException e) {
                return c.eval(script.text, ScriptOutputType.INTEGER, keys, args);
            }
        });
    }

    /**
     * Opens the connection now, waiting up to {@code wait} (a cold JVM's first connection — class
     * loading, the client's event loops — takes longer than a command timeout). Returns whether it
     * is open; if not, the attempt goes on and callers find it when it succeeds.
     */
    boolean connect(Duration wait) {
        try {
            commands(wait);
            return true;
        } catch (StoreUnavailableException e) {
            LOG.warn("Redis not reachable yet ({}); the store keeps trying", e.getMessage());
            return false;
        }
    }

    private RedisClusterCommands<String, String> commands() {
        RedisClusterCommands<String, String> c = commands;
        if (c != null) {
            return c;
        }
        return commands(timeout);
    }

    private RedisClusterCommands<String, String> commands(Duration wait) {
        Future<StatefulConnection<String, String>> attempt;
        synchronized (lock) {
            if (commands != null) {
                return commands;
            }
            if (closed) {
                throw new StoreUnavailableException("the Redis store is closed", null);
            }
            if (connecting == null) {
                if (failedBefore && System.nanoTime() - nextAttemptNanos < 0) {
                    throw new StoreUnavailableException("cannot connect to Redis: " + lastFailure, null);
                }
                connecting = executor.submit(connect::get);
            }
            attempt = connecting;
        }
        try {
            StatefulConnection<String, String> opened = attempt.get(wait.toMillis(), TimeUnit.MILLISECONDS);
            synchronized (lock) {
                if (closed) {
                    opened.close();
                    throw new StoreUnavailableException("the Redis store is closed", null);
                }
                if (connection == null) {
                    opened.setTimeout(timeout);
                    connection = opened;
                    commands = commandsOf.apply(opened);
                    connecting = null;
                    LOG.info("Connected to Redis");
                }
                return commands;
            }
        } catch (TimeoutException e) {
            throw new StoreUnavailableException("cannot connect to Redis within " + wait.toMillis() + " ms", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreUnavailableException("interrupted while connecting to Redis", e);
        } catch (ExecutionException e) {
            synchronized (lock) {
                if (connecting == attempt) {
                    connecting = null;
                    nextAttemptNanos = System.nanoTime() + RETRY_NANOS;
                    failedBefore = true;
                    lastFailure = String.valueOf(e.getCause().getMessage());
                }
            }
            throw new StoreUnavailableException("cannot connect to Redis: " + e.getCause().getMessage(), e.getCause());
        }
    }

    /** The command timeout. */
    Duration timeout() {
        return timeout;
    }

    @Override
    public void close() {
        closed = true;
        StatefulConnection<String, String> c;
        synchronized (lock) {
            c = connection;
            connection = null;
            commands = null;
            if (connecting != null) {
                connecting.cancel(true);
            }
        }
        if (c != null) {
            c.close();
        }
        executor.shutdownNow();
    }
}
