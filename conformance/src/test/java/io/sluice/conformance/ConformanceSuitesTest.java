package io.sluice.conformance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The suites of {@code sluice conformance}, run by the same runners on the shared corpora (the
 * folder named by the system property {@code sluice.corpora}; skipped, with the reason, where it is
 * absent). Each test asserts the target, and prints the suite's line.
 */
class ConformanceSuitesTest {

    @Test
    void passesTheWholeOpenspfRfc7208Suite() {
        ConformanceSuite.Result result = run(new SpfSuite("rfc7208"));

        assertThat(result.disagreements()).as("failed tests").isEmpty();
        assertThat(result.agreement().total()).isGreaterThan(140);
    }

    @Test
    void passesTheWholeOpenspfRfc4408Suite() {
        ConformanceSuite.Result result = run(new SpfSuite("rfc4408"));

        assertThat(result.disagreements()).as("failed tests").isEmpty();
        assertThat(result.agreement().total()).isGreaterThan(130);
    }

    @Test
    void verifiesEveryDkimMessageAsTheManifestSays() throws IOException {
        ConformanceSuite.Result result = run(new DkimVerifySuite());

        assertThat(result.disagreements()).as("messages not as the manifest says").isEmpty();
        long rows =
                Files.readAllLines(folder("dkim").resolve("manifest.tsv")).stream()
                        .skip(1)
                        .filter(l -> !l.isBlank())
                        .count();
        assertThat(result.agreement().total()).isEqualTo(rows);
    }

    @Test
    void agreesWithEveryRfc7489DmarcVector() {
        ConformanceSuite.Result result = run(new DmarcSuite());

        assertThat(result.disagreements())
                .as("vectors not as expected (the not-rfc7489 ones are listed, not counted)")
                .allSatisfy(d -> assertThat(d).contains("not counted"))
                .hasSize(DmarcSuite.NOT_RFC7489.size());
        assertThat(result.agreement().complete()).isTrue();
        assertThat(result.agreement().total()).isGreaterThan(50);
        assertThat(result.details())
                .containsExactly("not-rfc7489=" + DmarcSuite.NOT_RFC7489.size());
    }

    /**
     * Every address the suites call invalid is refused, but for the one deliberate disagreement:
     * EmailValidator's RFCValidation refuses every non-ASCII domain, while Sluice accepts an
     * internationalized domain whose labels are letters (sent as A-labels). A valid address refused
     * is a sender's strictness (comments, literals, single-label domains), not an error, but most
     * of the valid ones are plain and must get through.
     */
    @Test
    void refusesEveryAddressTheSuitesCallInvalidButInternationalizedDomains() {
        ConformanceSuite.Result result = run(new AddressSuite());

        List<String> falseAccepts =
                result.disagreements().stream()
                        .filter(d -> d.contains("expected invalid"))
                        .toList();
        assertThat(falseAccepts)
                .as("addresses the suites call invalid but Sluice accepts")
                .hasSizeLessThanOrEqualTo(1)
                .allSatisfy(d -> assertThat(d).containsPattern("accepted as \\S*@xn--"));
        String refused = result.details().get(0);
        assertThat(refused).startsWith("refused-invalid=");
        int invalid = Integer.parseInt(refused.substring(refused.indexOf('/') + 1));
        assertThat(invalid).isGreaterThan(200);
        String accepted = result.details().get(1);
        int acceptedValid =
                Integer.parseInt(
                        accepted.substring("accepted-valid=".length(), accepted.indexOf('/')));
        assertThat(acceptedValid).isGreaterThan(60);
    }

    private static ConformanceSuite.Result run(ConformanceSuite suite) {
        Path dir = folder(suite.folder());
        assumeTrue(
                Files.isRegularFile(dir.resolve(suite.marker())),
                dir.resolve(suite.marker()) + " is absent: suite " + suite.name() + " skipped");
        ConformanceSuite.Result result = suite.run(dir);
        System.out.println(result.line(suite));
        result.disagreements().forEach(d -> System.out.println("  " + d));
        return result;
    }

    private static Path folder(String name) {
        String root = System.getProperty("sluice.corpora");
        assumeTrue(
                root != null, "system property sluice.corpora is not set: corpus suites skipped");
        Path dir = Path.of(root, name);
        assumeTrue(Files.isDirectory(dir), "corpus folder " + dir + " is absent: suite skipped");
        return dir;
    }
}
