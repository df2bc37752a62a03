package dev.agentsre.otel;

import dev.agentsre.slo.OpenSloLoader;
import dev.agentsre.slo.Slo;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Writes the fleet view for SLOs defined in OpenSLO YAML: {@code agentsre-rules.yml} (Prometheus
 * recording and burn-rate alerting rules) and {@code agentsre-dashboard.json} (Grafana).
 *
 * <pre>
 * java -cp agent-sre-otel.jar:agent-sre-core.jar:... dev.agentsre.otel.FleetArtifacts slos.yaml out/
 * promtool check rules out/agentsre-rules.yml
 * </pre>
 */
public final class FleetArtifacts {

    private FleetArtifacts() {
    }

    /** Writes both files for {@code slos} into {@code directory}; returns their paths. */
    public static List<Path> write(List<Slo> slos, Path directory) throws IOException {
        Files.createDirectories(directory);
        Path rules = directory.resolve("agentsre-rules.yml");
        Path dashboard = directory.resolve("agentsre-dashboard.json");
        Files.writeString(rules, PrometheusRules.generate(slos), StandardCharsets.UTF_8);
        Files.writeString(dashboard, GrafanaDashboard.generate("Agent SRE", slos), StandardCharsets.UTF_8);
        return List.of(rules, dashboard);
    }

    /** {@code FleetArtifacts <openslo.yaml> <output directory>}. */
    public static void main(String[] args) throws IOException {
        if (args.length != 2) {
            System.err.println("usage: FleetArtifacts <openslo.yaml> <output directory>");
            System.exit(2);
            return;
        }
        List<Slo> slos = OpenSloLoader.create().load(Path.of(args[0]));
        for (Path written : write(slos, Path.of(args[1]))) {
            System.out.println("wrote " + written);
        }
    }
}
