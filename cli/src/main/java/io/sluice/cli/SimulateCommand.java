package io.sluice.cli;

import io.sluice.simulate.HtmlReport;
import io.sluice.simulate.Scenario;
import io.sluice.simulate.SimulationRunner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code sluice simulate}: runs deliverability scenarios on the real jobs against the simulated
 * providers with time compressed, prints one summary line per scenario and writes an HTML report.
 */
@Command(
        name = "simulate",
        mixinStandardHelpOptions = true,
        description =
                "Run deliverability scenarios: the real delivery, feedback and reputation jobs"
                        + " against the enforcing simulated providers, weeks compressed into"
                        + " minutes. Prints per scenario 'simulate <scenario>: messages=N"
                        + " delivered=P%% ...' and writes an HTML report.")
public final class SimulateCommand implements Callable<Integer> {

    static final class Which {
        @Option(
                names = "--scenario",
                paramLabel = "NAME|FILE",
                description = "A shipped scenario (${COMPLETION-CANDIDATES}) or a scenario file.",
                completionCandidates = Shipped.class)
        List<String> scenarios;

        @Option(names = "--all", description = "Every shipped scenario.")
        boolean all;
    }

    static final class Shipped extends ArrayList<String> {
        Shipped() {
            super(Scenario.SHIPPED);
        }
    }

    @ArgGroup(multiplicity = "1")
    Which which;

    @Option(
            names = "--report",
            description = "The HTML report to write (default: ${DEFAULT-VALUE}).")
    Path report = Path.of("sluice-simulation.html");

    @Option(
            names = "--home",
            description = "Folder for each run's Kafka data and logs (default: ${DEFAULT-VALUE}).")
    Path home = Path.of(System.getProperty("sluice.home", ".sluice")).resolve("simulate");

    @Option(
            names = "--smtp-port",
            description = "Port of the simulated providers (default: ${DEFAULT-VALUE}).")
    int smtpPort = 2526;

    @Option(names = "--parallelism", description = "Flink parallelism (default: ${DEFAULT-VALUE}).")
    int parallelism = 2;

    @Override
    public Integer call() throws Exception {
        List<Scenario> scenarios = new ArrayList<>();
        try {
            for (String s : which.all ? Scenario.SHIPPED : which.scenarios) {
                scenarios.add(Scenario.load(s));
            }
        } catch (IllegalArgumentException e) {
            System.err.println("sluice simulate: " + e.getMessage());
            return 2;
        }
        List<SimulationRunner.Run> runs = new ArrayList<>();
        boolean passed = true;
        int subnet = 70;
        for (Scenario sc : scenarios) {
            System.err.println(
                    "sluice: scenario "
                            + sc.name()
                            + ": "
                            + sc.description()
                            + " ("
                            + sc.days()
                            + " simulated days at "
                            + Math.round(sc.timeScale())
                            + "x)");
            Path runHome = home.resolve(sc.name());
            deleteTree(runHome);
            int total = (int) sc.traffic().stream().mapToLong(t -> t.total(sc.days())).sum();
            ProgressBar bar = new ProgressBar(System.err, total);
            SimulationRunner.Run run =
                    SimulationRunner.run(
                            sc,
                            new SimulationRunner.Settings(runHome, subnet++, smtpPort, parallelism),
                            (done, label) -> bar.show(done, label));
            bar.finish();
            runs.add(run);
            System.out.println(run.all().line(sc.name()));
            for (String unmet : run.unmet()) {
                System.err.println("sluice: " + sc.name() + ": expectation unmet: " + unmet);
            }
            passed &= run.passed();
            HtmlReport.write(report, runs);
        }
        System.err.println("sluice: report written to " + report.toAbsolutePath());
        return passed ? 0 : 1;
    }

    private static void deleteTree(Path dir) throws java.io.IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (var paths = Files.walk(dir)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
