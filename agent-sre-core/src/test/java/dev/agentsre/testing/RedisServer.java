package dev.agentsre.testing;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.Delay;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A real {@code redis-server} for tests: started on 127.0.0.1 on a free port with persistence off
 * ({@code --save "" --appendonly no}), stopped by {@link #close()}. One per test class keeps the
 * build quick. When the binary is missing the test <em>fails</em> with install advice — it is never
 * skipped ({@code .ci/run} installs it).
 *
 * <pre>{@code
 * static RedisServer redis;
 * @BeforeAll static void start() { redis = RedisServer.start(); }
 * @AfterAll static void stop() { redis.close(); }
 * }</pre>
 */
public final class RedisServer implements AutoCloseable {

    private static final String INSTALL = "redis-server is not installed: install it with `apt-get install redis-server`"
            + " (Debian/Ubuntu; .ci/run does this) or `brew install redis` (macOS), or point REDIS_SERVER at the binary";
    private static final long START_TIMEOUT_SECONDS = 30;
    /** One set of client threads for every test client (daemon threads, kept for the test JVM's life). */
    private static final ClientResources RESOURCES = ClientResources.builder()
            .reconnectDelay(Delay.constant(Duration.ofMillis(50))).build();

    private final String binary;
    private final int port;
    private final Path directory;
    private final List<String> extraArgs;
    private Process process;
    private final List<String> output = new ArrayList<>();

    private RedisServer(String binary, int port, Path directory, List<String> extraArgs) {
        this.binary = binary;
        this.port = port;
        this.directory = directory;
        this.extraArgs = extraArgs;
    }

    /** Starts a server on a free port. */
    public static RedisServer start(String... extraArgs) {
        try {
            RedisServer server = new RedisServer(binary(), freePort(), Files.createTempDirectory("redis-test"), List.of(extraArgs));
            server.startProcess();
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The path of redis-server, or an {@link AssertionError} saying how to install it. */
    public static String binary() {
        return binary(System.getenv(), List.of("/usr/bin", "/usr/sbin", "/usr/local/bin", "/opt/homebrew/bin"));
    }

    /** {@link #binary()} with the environment and the usual directories given (for its own test). */
    public static String binary(java.util.Map<String, String> env, List<String> usualDirs) {
        String configured = env.get("REDIS_SERVER");
        if (configured != null && new File(configured).canExecute()) {
            return configured;
        }
        List<String> dirs = new ArrayList<>(List.of(env.getOrDefault("PATH", "").split(File.pathSeparator)));
        dirs.addAll(usualDirs);
        for (String dir : dirs) {
            File candidate = new File(dir, "redis-server");
            if (!dir.isEmpty() && candidate.canExecute()) {
                return candidate.getPath();
            }
        }
        throw new AssertionError(INSTALL);
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private void startProcess() throws IOException {
        List<String> command = new ArrayList<>(List.of(binary, "--port", Integer.toString(port), "--bind", "127.0.0.1",
                "--save", "", "--appendonly", "no", "--daemonize", "no", "--dir", directory.toString(), "--logfile", ""));
        command.addAll(extraArgs);
        process = new ProcessBuilder(command).redirectErrorStream(true).start();
        CountDownLatch ready = new CountDownLatch(1);
        Process started = process;
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(started.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                    synchronized (output) {
                        if (output.size() < 200) {
                            output.add(line);
                        }
                    }
                    if (line.contains("Ready to accept connections")) {
                        ready.countDown();
                    }
                }
            } catch (IOException e) {
                // the process ended
            }
            ready.countDown();
        }, "redis-server-output-" + port);
        reader.setDaemon(true);
        reader.start();
        try {
            // waits for the server's own "ready" line, not for time to pass
            boolean signalled = ready.await(START_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            if (!signalled || !process.isAlive()) {
                process.destroyForcibly();
                throw new AssertionError("redis-server did not start on port " + port + ": " + log());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while starting redis-server", e);
        }
    }

    /** Its port on 127.0.0.1. */
    public int port() {
        return port;
    }

    /** {@code redis://127.0.0.1:<port>}. */
    public String uri() {
        return "redis://127.0.0.1:" + port;
    }

    /**
     * A client for this server that reconnects within 50 ms of the server's return (the default
     * backs off up to 30 s). The caller shuts it down.
     */
    public RedisClient client() {
        return RedisClient.create(RESOURCES, RedisURI.create(uri()));
    }

    /** Stops the server (its data is gone: persistence is off). */
    public void stop() {
        if (process != null && process.isAlive()) {
            process.destroy();
            try {
                if (!process.waitFor(10, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Starts the server again on the same port, empty. */
    public void restart() {
        stop();
        try {
            startProcess();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Whether the server process runs. */
    public boolean isRunning() {
        return process != null && process.isAlive();
    }

    private String log() {
        synchronized (output) {
            return String.join("\n", output);
        }
    }

    @Override
    public void close() {
        stop();
        try (var files = Files.walk(directory)) {
            files.sorted((a, b) -> b.compareTo(a)).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a temp directory left behind is harmless
        }
    }
}
