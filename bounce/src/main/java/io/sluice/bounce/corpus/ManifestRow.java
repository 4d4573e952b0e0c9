package io.sluice.bounce.corpus;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** One expected result of the bounce corpus ({@code bounces/manifest.tsv}), by column name. */
public record ManifestRow(String file, int position, Map<String, String> columns) {

    public String get(String column) {
        return columns.getOrDefault(column, "");
    }

    public String reason() {
        return get("expected_reason");
    }

    public String hardOrSoft() {
        return get("expected_hard_or_soft");
    }

    public String recipient() {
        return get("expected_recipient");
    }

    /** Rows sisimai labelled differently between 5.1 and 5.2 may match either (issue 8). */
    public boolean reasonAccepts(String reason) {
        return reason.equals(reason())
                || (get("label_confidence").equals("version-dependent")
                        && reason.equals(get("p5_v5_1_reason")));
    }

    /** Reads a manifest: a header line of column names, then tab-separated rows. */
    public static List<ManifestRow> read(Path manifest) {
        try {
            List<String> lines = Files.readAllLines(manifest);
            String[] names = lines.get(0).split("\t", -1);
            List<ManifestRow> rows = new ArrayList<>();
            Map<String, Integer> positions = new HashMap<>();
            for (String line : lines.subList(1, lines.size())) {
                if (line.isBlank()) {
                    continue;
                }
                String[] cells = line.split("\t", -1);
                Map<String, String> columns = new HashMap<>();
                for (int i = 0; i < names.length && i < cells.length; i++) {
                    columns.put(names[i], cells[i]);
                }
                int position = positions.merge(cells[0], 1, Integer::sum) - 1;
                rows.add(new ManifestRow(cells[0], position, columns));
            }
            return rows;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
