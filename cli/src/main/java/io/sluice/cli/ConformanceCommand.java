package io.sluice.cli;

import io.sluice.conformance.ConformanceSuite;
import io.sluice.conformance.Suites;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code sluice conformance}: runs every conformance suite found under the shared corpora and
 * prints one line per suite, {@code conformance NAME: agreed=N total=M ...}.
 */
@Command(
        name = "conformance",
        mixinStandardHelpOptions = true,
        description = {
            "Score Sluice against the shared conformance corpora, one line per suite:",
            "conformance NAME: agreed=N total=M [more figures]"
        })
public final class ConformanceCommand implements Callable<Integer> {

    /** Every suite this command knows, in the order printed: {@link Suites#all()}. */
    static final List<ConformanceSuite> SUITES = Suites.all();

    @Option(
            names = "--corpora",
            description =
                    "The corpora root (default: $SLUICE_CORPORA, else ../shared/corpora from the"
                            + " working directory).")
    Path corpora;

    @Option(
            names = "--suite",
            description =
                    "Run only these suites (bounces, arf, spf-rfc7208, spf-rfc4408, dkim-verify,"
                            + " dmarc, addresses).",
            split = ",")
    List<String> only = List.of();

    @Option(names = "--verbose", description = "Also print every item that did not agree.")
    boolean verbose;

    @Override
    public Integer call() {
        Path root = corpora != null ? corpora : defaultRoot();
        if (!Files.isDirectory(root)) {
            System.err.println(
                    "sluice conformance: corpora folder "
                            + root.toAbsolutePath().normalize()
                            + " not found -- pass --corpora DIR or set SLUICE_CORPORA");
            return 2;
        }
        for (String name : only) {
            if (SUITES.stream().noneMatch(s -> s.name().equals(name))) {
                System.err.println(
                        "sluice conformance: unknown suite \""
                                + name
                                + "\" -- expected one of "
                                + SUITES.stream().map(ConformanceSuite::name).toList());
                return 2;
            }
        }
        for (ConformanceSuite suite : SUITES) {
            if (!only.isEmpty() && !only.contains(suite.name())) {
                continue;
            }
            Path dir = root.resolve(suite.folder());
            if (!Files.isRegularFile(dir.resolve(suite.marker()))) {
                System.out.println(
                        "conformance "
                                + suite.name()
                                + ": skipped (no "
                                + dir.resolve(suite.marker())
                                + ")");
                continue;
            }
            ConformanceSuite.Result result = suite.run(dir);
            System.out.println(result.line(suite));
            if (verbose) {
                result.disagreements().forEach(d -> System.out.println("  " + d));
            }
        }
        return 0;
    }

    static Path defaultRoot() {
        String env = System.getenv("SLUICE_CORPORA");
        return env != null && !env.isBlank() ? Path.of(env) : Path.of("..", "shared", "corpora");
    }
}
