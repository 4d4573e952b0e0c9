package io.sluice.schema;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;
import org.apache.avro.SchemaCompatibility.SchemaPairCompatibility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The build check that keeps the wire contracts backward compatible: a consumer built from the
 * current schemas must read every record written with any released copy in {@code
 * schemas/released/<version>/}. A change that breaks this fails {@code mvn verify}.
 */
class SchemaCompatibilityTest {

    private static final Path CURRENT = Path.of(System.getProperty("sluice.schemas.current"));
    private static final Path RELEASED = Path.of(System.getProperty("sluice.schemas.released"));

    static Stream<Path> releasedSchemas() throws IOException {
        try (Stream<Path> files = Files.walk(RELEASED)) {
            return files.filter(p -> p.toString().endsWith(".avsc")).sorted().toList().stream();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("releasedSchemas")
    void currentSchemaReadsEveryReleasedCopy(Path released) {
        Path current = CURRENT.resolve(released.getFileName());
        assertThat(current)
                .as(
                        "%s was released and may not be removed: producers may still write it",
                        released)
                .exists();

        SchemaPairCompatibility result =
                SchemaCompatibility.checkReaderWriterCompatibility(parse(current), parse(released));

        assertThat(result.getType())
                .as(
                        "%s cannot read data written with %s: %s",
                        current, released, result.getResult().getIncompatibilities())
                .isEqualTo(SchemaCompatibilityType.COMPATIBLE);
    }

    @Test
    void everyCurrentSchemaHasAReleasedCopy() throws IOException {
        List<String> released;
        try (Stream<Path> files = Files.walk(RELEASED)) {
            released = files.map(p -> p.getFileName().toString()).toList();
        }
        try (Stream<Path> files = Files.list(CURRENT)) {
            assertThat(files.map(p -> p.getFileName().toString()))
                    .as("copy a new schema into schemas/released/<version>/ when it ships")
                    .allSatisfy(name -> assertThat(released).contains(name));
        }
    }

    /** The check above must be able to fail: a new field without a default breaks old data. */
    @Test
    void aRequiredFieldWithoutDefaultIsDetectedAsIncompatible() {
        Schema released = parse(RELEASED.resolve("0.1.0/SendRequest.avsc"));
        String broken =
                released.toString()
                        .replace(
                                "{\"name\":\"tenant\"",
                                "{\"name\":\"required_new_field\",\"type\":\"string\"},{\"name\":\"tenant\"");
        assertThat(broken).isNotEqualTo(released.toString());

        SchemaPairCompatibility result =
                SchemaCompatibility.checkReaderWriterCompatibility(
                        new Schema.Parser().parse(broken), released);

        assertThat(result.getType()).isEqualTo(SchemaCompatibilityType.INCOMPATIBLE);
    }

    /** Parses {@code file}; SendRequest from the same folder is known first, others embed it. */
    private static Schema parse(Path file) {
        try {
            Schema.Parser parser = new Schema.Parser();
            Path sendRequest = file.resolveSibling("SendRequest.avsc");
            if (!file.getFileName().equals(sendRequest.getFileName())
                    && Files.exists(sendRequest)) {
                parser.addTypes(List.of(new Schema.Parser().parse(sendRequest.toFile())));
            }
            return parser.parse(file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read schema " + file, e);
        }
    }
}
