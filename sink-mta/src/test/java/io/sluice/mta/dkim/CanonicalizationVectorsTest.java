package io.sluice.mta.dkim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.mta.Corpora;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.MessageDigest;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.yaml.snakeyaml.Yaml;

/** The corpus canonicalization vectors (dkimpy's): headers, bodies and c= parsing. */
class CanonicalizationVectorsTest {

    @SuppressWarnings("unchecked")
    static Stream<Map<String, Object>> vectors() throws IOException {
        try (InputStream in =
                Files.newInputStream(
                        Corpora.folder("dkim").resolve("canonicalization_vectors.json"))) {
            Map<String, Object> doc = new Yaml().load(in);
            return ((List<Map<String, Object>>) doc.get("vectors")).stream();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("vectors")
    @SuppressWarnings("unchecked")
    void matchesVector(Map<String, Object> v) {
        String kind = (String) v.get("kind");
        switch (kind) {
            case "header" -> {
                Canonicalization c = Canonicalization.fromTag((String) v.get("algorithm"));
                List<List<String>> input = (List<List<String>>) v.get("input");
                List<List<String>> expected = (List<List<String>>) v.get("expected");
                for (int i = 0; i < input.size(); i++) {
                    String raw = input.get(i).get(0) + ":" + input.get(i).get(1);
                    HeaderField field = HeaderField.of(raw.substring(0, raw.length() - 2));
                    String want = expected.get(i).get(0) + ":" + expected.get(i).get(1);
                    assertThat(c.header(field)).isEqualTo(want);
                    // Idempotent: canonicalizing the expected form changes nothing.
                    assertThat(c.header(HeaderField.of(want.substring(0, want.length() - 2))))
                            .isEqualTo(want);
                }
            }
            case "body" -> {
                Canonicalization c = Canonicalization.fromTag((String) v.get("algorithm"));
                String input = (String) v.get("input");
                String expected = (String) v.get("expected");
                assertThat(canonical(c, input)).isEqualTo(expected);
                assertThat(canonical(c, expected)).isEqualTo(expected);
            }
            case "c_tag" -> {
                String input = (String) v.get("input");
                Object expected = v.get("expected");
                if (expected instanceof Map<?, ?> m) {
                    CanonicalizationPair pair = CanonicalizationPair.parse(input);
                    assertThat(pair.header().tag()).isEqualTo(m.get("header"));
                    assertThat(pair.body().tag()).isEqualTo(m.get("body"));
                } else {
                    assertThat((String) expected).startsWith("invalid");
                    assertThatThrownBy(() -> CanonicalizationPair.parse(input))
                            .isInstanceOf(IllegalArgumentException.class);
                }
            }
            default -> throw new IllegalArgumentException("unknown vector kind " + kind);
        }
    }

    /** The canonical body as text, captured through a digest stand-in that records the bytes. */
    private static String canonical(Canonicalization c, String body) {
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        MessageDigest recorder = new RecordingDigest(captured);
        c.digestBody(body.getBytes(StandardCharsets.ISO_8859_1), recorder);
        return captured.toString(StandardCharsets.ISO_8859_1);
    }
}
