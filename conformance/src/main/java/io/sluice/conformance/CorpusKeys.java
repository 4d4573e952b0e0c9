package io.sluice.conformance;

import io.sluice.mta.dkim.DkimKeyLookup;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The key records of the DKIM corpus ({@code dns_txt_records.tsv}) as a key lookup. */
final class CorpusKeys implements DkimKeyLookup {

    private final Map<String, String> records = new HashMap<>();

    CorpusKeys(Path corpus) throws IOException {
        List<String> lines = Files.readAllLines(corpus.resolve("dns_txt_records.tsv"));
        for (String line : lines.subList(1, lines.size())) {
            String[] cols = line.split("\t");
            records.put(cols[0].toLowerCase(Locale.ROOT), cols[1]);
        }
    }

    @Override
    public List<String> txt(String name) {
        String r = records.get(name.toLowerCase(Locale.ROOT));
        return r == null ? List.of() : List.of(r);
    }
}
