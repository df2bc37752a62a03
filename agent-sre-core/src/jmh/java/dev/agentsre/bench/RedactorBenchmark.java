package dev.agentsre.bench;

import dev.agentsre.redact.Redactor;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The redactor on the agent's thread: one string of 1 KB, 20 KB and 40 KB, as prose with secrets in
 * it, and as a base64url image (what made the old e-mail rule quadratic: ~6.9 s at 20 KB, ~25 s at
 * 40 KB). Linear time shows as ns/op growing in proportion to the size.
 */
@State(Scope.Benchmark)
public class RedactorBenchmark {

    @Param({"1024", "20480", "40960"})
    public int size;

    @Param({"prose", "base64"})
    public String content;

    private final Redactor redactor = Redactor.defaults();
    private String text;

    @Setup
    public void build() {
        Random random = new Random(9);
        StringBuilder out = new StringBuilder(size);
        if (content.equals("base64")) {
            String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
            while (out.length() < size) {
                out.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
        } else {
            String[] sentences = {
                "The customer asked about the refund policy for order 12345 and wanted an answer today. ",
                "Authorization: Bearer 9f8e7d6c5b4a39281706f5e4d3c2b1a0 was sent to https://api.example.com/v1/orders. ",
                "Use sk-proj-" + "a1B2c3D4e5F6g7H8".repeat(4) + " for the call and mail jane.doe@example.com. ",
                "{\"password\": \"hunter2-Tr0ub4dor\", \"max_tokens\": 256, \"model\": \"gpt-4o\"} ",
            };
            while (out.length() < size) {
                out.append(sentences[random.nextInt(sentences.length)]);
            }
        }
        text = out.substring(0, size);
    }

    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.NANOSECONDS)
    public String redact() {
        return redactor.redact(text);
    }
}
