package io.sluice.bounce.corpus;

import io.sluice.bounce.arf.FeedbackReport;
import io.sluice.bounce.arf.FeedbackReportParser;
import io.sluice.bounce.classify.BounceClassifier;
import io.sluice.bounce.dsn.BounceReport;
import io.sluice.bounce.dsn.BouncedRecipient;
import io.sluice.bounce.dsn.DsnParser;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Runs the complaint and bounce parsers over the bounce corpus and pairs each manifest row with a
 * result: the result naming the row's recipient, else the one at the row's position.
 */
public final class BounceCorpusRun {

    private BounceCorpusRun() {}

    public static List<CorpusOutcome> run(Path bouncesDir) {
        DsnParser dsn = new DsnParser(BounceClassifier.fromClasspath());
        FeedbackReportParser arf = new FeedbackReportParser();
        Map<String, List<ManifestRow>> byFile = new LinkedHashMap<>();
        for (ManifestRow row : ManifestRow.read(bouncesDir.resolve("manifest.tsv"))) {
            byFile.computeIfAbsent(row.file(), f -> new ArrayList<>()).add(row);
        }
        List<CorpusOutcome> outcomes = new ArrayList<>();
        for (Map.Entry<String, List<ManifestRow>> e : byFile.entrySet()) {
            byte[] raw = read(bouncesDir.resolve("mail").resolve(e.getKey()));
            List<String[]> results = results(raw, arf, dsn);
            for (ManifestRow row : e.getValue()) {
                String[] r = pick(results, row);
                outcomes.add(new CorpusOutcome(row, r[1], r[2], r[0], r[3]));
            }
        }
        return outcomes;
    }

    /** recipient, reason, class, rule -- one per reported recipient. */
    static List<String[]> results(byte[] raw, FeedbackReportParser arf, DsnParser dsn) {
        List<String[]> results = new ArrayList<>();
        FeedbackReport complaint = arf.parse(raw);
        if (complaint.report()) {
            for (String r : complaint.recipients()) {
                results.add(new String[] {r, "feedback", "none", complaint.format()});
            }
            if (results.isEmpty()) {
                results.add(new String[] {"", "feedback", "none", complaint.format()});
            }
            return results;
        }
        BounceReport report = dsn.parse(raw);
        for (BouncedRecipient b : report.recipients()) {
            results.add(
                    new String[] {
                        b.recipient(),
                        b.classification().reason().id(),
                        b.classification().bounceClass().name().toLowerCase(Locale.ROOT),
                        b.classification().rule()
                    });
        }
        if (results.isEmpty()) {
            results.add(new String[] {"", "NOT_A_BOUNCE", "none", report.verdict()});
        }
        return results;
    }

    private static String[] pick(List<String[]> results, ManifestRow row) {
        for (String[] r : results) {
            if (!row.recipient().isEmpty() && r[0].equalsIgnoreCase(row.recipient())) {
                return r;
            }
        }
        return results.get(Math.min(row.position(), results.size() - 1));
    }

    private static byte[] read(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
