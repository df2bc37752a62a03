package dev.agentsre.store.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentsre.store.BudgetStore;
import dev.agentsre.store.ScopeBalance;
import dev.agentsre.store.ScopeLimit;
import dev.agentsre.testing.RedisServerExtension;
import dev.agentsre.testing.ManualClock;
import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Budgets shared by separate JVM processes (not threads) through a real redis-server. */
class RedisProcessesTest {

    private static final long USD = 1_000_000_000L;
    @RegisterExtension
    static final RedisServerExtension REDIS = new RedisServerExtension();

    private static Process worker(String... args) throws Exception {
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> command = new ArrayList<>(List.of(
                ProcessHandle.current().info().command().orElse(System.getProperty("java.home") + File.separator + "bin" + File.separator + "java"),
                "-Xshare:auto", "-XX:TieredStopAtLevel=1", "-cp", classpath, RedisBudgetWorker.class.getName()));
        command.addAll(List.of(args));
        return new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    }

    private static String line(BufferedReader in) throws Exception {
        String line = in.readLine();
        if (line == null) {
            throw new AssertionError("a worker process ended without answering");
        }
        return line;
    }

    @Test
    void fourJvmProcessesWithACostGuardEachRacingForTenDollarsCommitExactlyTenDollars() throws Exception {
        String ns = "processes";
        String key = dev.agentsre.store.BudgetPeriod.DAY.key("agent:racer", java.time.Instant.now(), java.time.ZoneOffset.UTC);
        List<Process> processes = new ArrayList<>();
        List<BufferedReader> outputs = new ArrayList<>();
        try {
            for (int p = 0; p < 4; p++) {
                Process process = worker("race", REDIS.server().uri(), ns, key, Long.toString(10 * USD), "20");
                processes.add(process);
                outputs.add(new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8)));
            }
            for (BufferedReader out : outputs) {
                assertThat(line(out)).isEqualTo("ready");
            }
            for (Process process : processes) { // released together
                Writer w = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
                w.write("go\n");
                w.flush();
            }
            int granted = 0;
            for (BufferedReader out : outputs) {
                String answer = line(out);
                assertThat(answer).startsWith("granted ");
                granted += Integer.parseInt(answer.substring("granted ".length()));
            }
            for (Process process : processes) {
                assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
                assertThat(process.exitValue()).isZero();
            }
            assertThat(granted).isEqualTo(10);
            try (RedisStateStore store = RedisStateStore.builder(REDIS.client()).namespace(ns).build()) {
                assertThat(store.budgets().balance(key)).isEqualTo(new ScopeBalance(key, 10 * USD, 0));
            }
        } finally {
            processes.forEach(Process::destroyForcibly);
        }
    }

    @Test
    void theHoldOfAJvmThatDiedIsReclaimedAfterItsLease() throws Exception {
        String ns = "dead-jvm";
        String key = "agent:mortal:d:today";
        Process dying = worker("die", REDIS.server().uri(), ns, key, Long.toString(10 * USD), Long.toString(5 * USD), "60000");
        BufferedReader out = new BufferedReader(new InputStreamReader(dying.getInputStream(), StandardCharsets.UTF_8));
        assertThat(line(out)).isEqualTo("reserved");
        assertThat(dying.waitFor(60, TimeUnit.SECONDS)).isTrue();

        // this JVM's clock: just now, then past the dead JVM's lease
        ManualClock clock = ManualClock.at(Instant.now());
        try (RedisStateStore store = RedisStateStore.builder(REDIS.client()).namespace(ns).clock(clock).build()) {
            BudgetStore budgets = store.budgets();
            List<ScopeLimit> scopes = List.of(ScopeLimit.of(key, 10 * USD, clock.instant(), Duration.ofDays(1)));
            assertThat(budgets.held(key)).isEqualTo(5 * USD);
            assertThat(budgets.reserve("survivor-1", scopes, 10 * USD, Duration.ofMinutes(1)).granted()).isFalse();

            clock.advance(Duration.ofSeconds(61));
            assertThat(budgets.reserve("survivor-2", scopes, 10 * USD, Duration.ofMinutes(1)).granted()).isTrue();
            assertThat(budgets.balance(key)).isEqualTo(new ScopeBalance(key, 0, 10 * USD));
        }
    }
}
