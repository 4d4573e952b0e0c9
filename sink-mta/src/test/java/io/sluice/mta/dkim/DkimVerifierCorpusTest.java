package io.sluice.mta.dkim;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.mta.Corpora;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Sluice's verifier against every message of the DKIM corpus manifest: one expected result per
 * signature, in header order. "pass (warning)" is a pass (the warnings are dkim_verifier's display
 * policy); "policy-fail" is a valid signature with an unsigned displayed field added above it,
 * which Sluice reports as {@link DkimStatus#POLICY_FAIL}.
 */
class DkimVerifierCorpusTest {

    private static Path corpus;
    private static CorpusKeys keys;
    private static int agreed;
    private static int total;

    @BeforeAll
    static void load() throws IOException {
        corpus = Corpora.folder("dkim");
        keys = new CorpusKeys(corpus);
    }

    @AfterAll
    static void report() {
        System.out.println("conformance dkim-verify: agreed=" + agreed + " total=" + total);
    }

    static Stream<Arguments> manifest() throws IOException {
        Path dir = Corpora.folder("dkim");
        List<String> lines = Files.readAllLines(dir.resolve("manifest.tsv"));
        List<Arguments> rows = new ArrayList<>();
        for (String line : lines.subList(1, lines.size())) {
            String[] c = line.split("\t", -1);
            rows.add(Arguments.of(c[0], c[1], c[2], c[5]));
        }
        return rows.stream();
    }

    @ParameterizedTest(name = "{0}: {2}")
    @MethodSource("manifest")
    void agreesWithManifest(String file, String signatures, String expected, String verifyAt)
            throws IOException {
        total++;
        Instant at =
                verifyAt.isEmpty()
                        ? Instant.now()
                        : Instant.ofEpochSecond(Long.parseLong(verifyAt));
        DkimVerifier verifier = new DkimVerifier(keys, Clock.fixed(at, ZoneOffset.UTC));

        List<DkimVerification> results =
                verifier.verify(Files.readAllBytes(corpus.resolve("messages").resolve(file)));

        String[] sigs = signatures.split(";");
        List<DkimStatus> want = expectedStatuses(expected, sigs.length);
        assertThat(results).hasSize(sigs.length);
        for (int i = 0; i < sigs.length; i++) {
            String[] dsa = sigs[i].split("/");
            DkimVerification r = results.get(i);
            assertThat(r.domain()).isEqualTo(dsa[0]);
            assertThat(r.selector()).isEqualTo(dsa[1]);
            assertThat(r.status())
                    .as("%s signature %d: %s", file, i, r.reason())
                    .isEqualTo(want.get(i));
        }
        agreed++;
    }

    private static List<DkimStatus> expectedStatuses(String expected, int count) {
        if (expected.startsWith("pass (all signatures)")) {
            return java.util.Collections.nCopies(count, DkimStatus.PASS);
        }
        List<DkimStatus> out = new ArrayList<>();
        for (String e : expected.split(";")) {
            out.add(
                    switch (e.replaceAll(" \\(.*\\)", "").strip()) {
                        case "pass" -> DkimStatus.PASS;
                        case "permfail" -> DkimStatus.FAIL;
                        case "policy-fail" -> DkimStatus.POLICY_FAIL;
                        default -> throw new IllegalArgumentException("manifest result " + e);
                    });
        }
        return out;
    }
}
