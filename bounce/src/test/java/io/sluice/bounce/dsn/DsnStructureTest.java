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

/** The RFC 3464 per-recipient fields, against KumoMTA's expected parses (dsn_structure/). */
class DsnStructureTest {

    private static final DsnParser PARSER = new DsnParser(BounceClassifier.fromClasspath());

    static Stream<ManifestRow> rows() {
        Path dir = Corpora.require("bounces/dsn_structure");
        return ManifestRow.read(dir.resolve("manifest.tsv")).stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rows")
    void readsActionStatusAndRecipient(ManifestRow row) throws IOException {
        Path dir = Corpora.require("bounces/dsn_structure");
        BounceReport report =
                PARSER.parse(Files.readAllBytes(dir.resolve("mail").resolve(row.file())));

        assertThat(report.recipients()).hasSizeGreaterThan(row.position());
        BouncedRecipient r = report.recipients().get(row.position());
        assertThat(r.action()).isEqualTo(row.get("action"));
        assertThat(r.status()).isEqualTo(row.get("status"));
        String expected = StatusFields.untyped(row.get("final_recipient"));
        if (expected.contains("@")) {
            assertThat(r.recipient()).isEqualToIgnoringCase(expected);
        }
    }
}
