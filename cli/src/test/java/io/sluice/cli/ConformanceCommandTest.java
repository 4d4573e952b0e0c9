package io.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code sluice conformance} on the shared corpora: one line per suite, in the promised form. */
class ConformanceCommandTest {

    private static final Pattern LINE =
            Pattern.compile("conformance ([\\w-]+): (?:agreed|passed)=(\\d+) total=(\\d+)(.*)");

    @Test
    void printsOneLinePerSuiteAndMeetsTheIssuesTargets() throws IOException {
        Path corpora = corpora();

        Run run = run("conformance", "--corpora", corpora.toString());

        assertThat(run.status).isZero();
        List<String> lines = run.out.lines().toList();
        assertThat(lines)
                .extracting(l -> l.substring(0, l.indexOf(':')))
                .containsExactly(
                        "conformance bounces",
                        "conformance arf",
                        "conformance spf-rfc7208",
                        "conformance spf-rfc4408",
                        "conformance dkim-verify",
                        "conformance dmarc",
                        "conformance addresses");
        Matcher bounces = matched(lines.get(0), "bounces");
        Matcher arf = matched(lines.get(1), "arf");
        for (String line : lines.subList(2, 6)) {
            Matcher m = LINE.matcher(line);
            assertThat(m.matches()).as(line).isTrue();
            assertThat(m.group(2)).as(line).isEqualTo(m.group(3));
        }
        assertThat(lines.get(2)).startsWith("conformance spf-rfc7208: passed=");
        long arfFiles =
                Files.readAllLines(corpora.resolve("arf/manifest.tsv")).stream()
                        .skip(1)
                        .filter(l -> !l.isBlank())
                        .map(l -> l.split("\t")[0])
                        .distinct()
                        .count();
        assertThat(Long.parseLong(arf.group(3))).isEqualTo(arfFiles);
        assertThat(arf.group(2)).isEqualTo(arf.group(3));
        int agreed = Integer.parseInt(bounces.group(2));
        int total = Integer.parseInt(bounces.group(3));
        assertThat(total).isGreaterThan(400);
        assertThat(agreed).isLessThanOrEqualTo(total).isGreaterThan(total * 85 / 100);
        assertThat(bounces.group(4)).contains("hard-false-positives=0");
    }

    @Test
    void runsOnlyTheSuitesAsked() {
        Run run = run("conformance", "--corpora", corpora().toString(), "--suite", "arf");

        assertThat(run.status).isZero();
        assertThat(run.out.lines().toList())
                .singleElement()
                .asString()
                .startsWith("conformance arf:");
    }

    @Test
    void saysWhatIsWrongWithAMissingFolderOrAnUnknownSuite(@TempDir Path empty) {
        Run missing = run("conformance", "--corpora", empty.resolve("nowhere").toString());
        Run unknown = run("conformance", "--corpora", empty.toString(), "--suite", "smtp");

        assertThat(missing.status).isEqualTo(2);
        assertThat(missing.err)
                .contains("not found")
                .contains("--corpora DIR or set SLUICE_CORPORA");
        assertThat(unknown.status).isEqualTo(2);
        assertThat(unknown.err).contains("unknown suite \"smtp\"").contains("bounces, arf");
    }

    @Test
    void skipsASuiteWhoseFolderIsAbsent(@TempDir Path empty) {
        Run run = run("conformance", "--corpora", empty.toString());

        assertThat(run.status).isZero();
        assertThat(run.out.lines().toList())
                .containsExactly(
                        "conformance bounces: skipped (no "
                                + empty.resolve("bounces/manifest.tsv")
                                + ")",
                        "conformance arf: skipped (no " + empty.resolve("arf/manifest.tsv") + ")",
                        "conformance spf-rfc7208: skipped (no "
                                + empty.resolve("spf/rfc7208-tests.yml")
                                + ")",
                        "conformance spf-rfc4408: skipped (no "
                                + empty.resolve("spf/rfc4408-tests.yml")
                                + ")",
                        "conformance dkim-verify: skipped (no "
                                + empty.resolve("dkim/manifest.tsv")
                                + ")",
                        "conformance dmarc: skipped (no "
                                + empty.resolve("dmarc/alignment_and_evaluation.jsonl")
                                + ")",
                        "conformance addresses: skipped (no "
                                + empty.resolve("addresses/address_tests.jsonl")
                                + ")");
    }

    private static Matcher matched(String line, String suite) {
        Matcher m = LINE.matcher(line);
        assertThat(m.matches()).as(line).isTrue();
        assertThat(m.group(1)).isEqualTo(suite);
        return m;
    }

    private static Path corpora() {
        Path root = Path.of(System.getProperty("sluice.corpora", "../../shared/corpora"));
        assumeTrue(
                Files.isDirectory(root.resolve("bounces")),
                "corpora not found at " + root.toAbsolutePath() + ": set -Dsluice.corpora");
        return root;
    }

    private record Run(int status, String out, String err) {}

    private static Run run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream originalOut = System.out;
        PrintStream originalErr = System.err;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        int status;
        try {
            status = new CommandLine(new Sluice()).execute(args);
        } finally {
            System.setOut(originalOut);
            System.setErr(originalErr);
        }
        return new Run(
                status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }
}
