package io.sluice.schema;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;

/**
 * The released writer schemas, by record name and version, so that a reader can resolve a record
 * written by an older producer. Values on Sluice's topics are plain Avro binary (what Flink SQL's
 * {@code avro} format reads); the writer's version travels in the Kafka header {@value #HEADER}.
 * Without the header a record is read as written with the current schema.
 */
public final class SchemaVersions {

    /** The Kafka header naming the schema version a record was written with. */
    public static final String HEADER = "sluice-schema-version";

    /**
     * The version of the schemas compiled into this build; producers stamp it in {@link #HEADER}.
     */
    public static final String CURRENT = "0.2.0";

    private static final Map<String, Schema> CACHE = new ConcurrentHashMap<>();

    private SchemaVersions() {}

    /**
     * The schema {@code current} was written with at {@code version}; {@code current} itself when
     * the version is null or is this build's.
     *
     * @throws IllegalArgumentException when the version was never released
     */
    public static Schema writerSchema(Schema current, String version) {
        if (version == null || version.equals(CURRENT)) {
            return current;
        }
        return CACHE.computeIfAbsent(
                version + "/" + current.getName(), k -> load(current, version));
    }

    private static Schema load(Schema current, String version) {
        String path = "released/" + version + "/" + current.getName() + ".avsc";
        Schema.Parser parser = new Schema.Parser();
        if (!current.getName().equals("SendRequest")) {
            // Schemas that embed a SendRequest refer to it by name.
            Schema sendRequest =
                    parseResource(new Schema.Parser(), "released/" + version + "/SendRequest.avsc");
            if (sendRequest != null) {
                parser.addTypes(java.util.List.of(sendRequest));
            }
        }
        Schema schema = parseResource(parser, path);
        if (schema == null) {
            throw new IllegalArgumentException(
                    "schema version "
                            + version
                            + " of "
                            + current.getName()
                            + " was never released");
        }
        return schema;
    }

    private static Schema parseResource(Schema.Parser parser, String path) {
        try (InputStream in = SchemaVersions.class.getResourceAsStream(path)) {
            return in == null ? null : parser.parse(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + path, e);
        }
    }
}
