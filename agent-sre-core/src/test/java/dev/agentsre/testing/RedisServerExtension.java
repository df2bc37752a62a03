package dev.agentsre.testing;

import io.lettuce.core.RedisClient;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One real {@link RedisServer} per test class, with a client for it; both stopped after the class.
 *
 * <pre>{@code
 * @RegisterExtension
 * static final RedisServerExtension redis = new RedisServerExtension();
 * ... RedisStateStore.builder(redis.client()) ...
 * }</pre>
 */
public final class RedisServerExtension implements BeforeAllCallback, AfterAllCallback {

    private final String[] serverArgs;
    private RedisServer server;
    private final List<RedisClient> clients = new ArrayList<>();

    /** A server started with {@code serverArgs} added to the defaults. */
    public RedisServerExtension(String... serverArgs) {
        this.serverArgs = serverArgs.clone();
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        server = RedisServer.start(serverArgs);
    }

    @Override
    public void afterAll(ExtensionContext context) {
        synchronized (clients) {
            clients.forEach(RedisClient::shutdown);
            clients.clear();
        }
        server.close();
    }

    /** The server. */
    public RedisServer server() {
        return server;
    }

    /** The class's shared client (created on first use). */
    public RedisClient client() {
        synchronized (clients) {
            if (clients.isEmpty()) {
                clients.add(server.client());
            }
            return clients.get(0);
        }
    }

    /** Another client (a connection of its own, as another JVM would have), shut down after the class. */
    public RedisClient newClient() {
        RedisClient client = server.client();
        synchronized (clients) {
            clients.add(client);
        }
        return client;
    }
}
