package io.sluice.bounce.dsn;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.bounce.classify.BounceClassifier;
import io.sluice.bounce.corpus.Corpora;
import io.sluice.bounce.corpus.ManifestRow;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every message of the bounce corpus is read as a bounce (or, for the two that are not, refused).
 */
class BounceCorpusTest {

    private static final DsnParser PARSER = new DsnParser(BounceClassifier.fromClasspath());

    static Stream<String> files() {
        Path dir = Corpora.require("bounces");
        return ManifestRow.read(dir.resolve("manifest.tsv")).stream()
                .filter(r -> !r.reason().equals("feedback"))
                .map(r -> r.file() + "\t" + r.reason())
                .distinct();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("files")
    void readsEveryBounceAndRefusesNonBounces(String fileAndReason) throws IOException {
        String[] f = fileAndReason.split("\t");
        byte[] raw = Files.readAllBytes(Corpora.require("bounces").resolve("mail").resolve(f[0]));

        BounceReport report = PARSER.parse(raw);

        if (f[1].equals("NOT_A_BOUNCE")) {
            assertThat(report.bounce()).as(report.verdict()).isFalse();
        } else {
            assertThat(report.bounce()).as(report.verdict()).isTrue();
            assertThat(report.recipients()).isNotEmpty();
        }
    }
}
