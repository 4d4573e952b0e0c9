package io.sluice.bounce.corpus;

import io.sluice.bounce.arf.FeedbackReport;
import io.sluice.bounce.arf.FeedbackReportParser;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs the complaint parser over a corpus laid out like {@code ../shared/corpora/arf} (manifest.tsv
 * plus mail/) and says, per manifest row, whether the report yields the listed feedback type and
 * original recipient.
 */
public final class FeedbackCorpusRun {

    private FeedbackCorpusRun() {}

    /**
     * One manifest row beside what the parser made of its file.
     *
     * @param recipients the recipients compared with the row: the RFC 5965 Original-Rcpt-To fields,
     *     or for rows whose expectation comes from sisimai, those else the enclosed original's To
     *     (sisimai falls back to it; KumoMTA and mail-auth do not)
     */
    public record Outcome(ManifestRow row, FeedbackReport report, List<String> recipients) {

        public boolean agrees() {
            if (!report.report() || !report.feedbackType().equals(row.get("feedback_type"))) {
                return false;
            }
            String expected = row.get("original_recipient");
            if (expected.isEmpty()) {
                return recipients.isEmpty();
            }
            return recipients.size() > row.position()
                    && recipients.get(row.position()).equalsIgnoreCase(expected);
        }

        /** What was wrong, for a person reading the build log. */
        public String describe() {
            return row.file()
                    + " row "
                    + (row.position() + 1)
                    + ": expected "
                    + row.get("feedback_type")
                    + " "
                    + row.get("original_recipient")
                    + ", got "
                    + (report.report()
                            ? report.feedbackType() + " " + recipients
                            : report.format());
        }
    }

    public static List<Outcome> run(Path arfDir) {
        FeedbackReportParser parser = new FeedbackReportParser();
        Map<String, FeedbackReport> byFile = new LinkedHashMap<>();
        List<Outcome> outcomes = new ArrayList<>();
        for (ManifestRow row : ManifestRow.read(arfDir.resolve("manifest.tsv"))) {
            FeedbackReport report =
                    byFile.computeIfAbsent(
                            row.file(), f -> parser.parse(read(arfDir.resolve("mail").resolve(f))));
            List<String> recipients =
                    row.get("origin").contains("sisimai")
                            ? report.recipients()
                            : report.originalRecipients();
            outcomes.add(new Outcome(row, report, recipients));
        }
        return outcomes;
    }

    /** Files whose every row agrees, out of all files: a report is right or it is not. */
    public static Agreement agreement(List<Outcome> outcomes) {
        Map<String, Boolean> byFile = new LinkedHashMap<>();
        for (Outcome o : outcomes) {
            byFile.merge(o.row().file(), o.agrees(), Boolean::logicalAnd);
        }
        int agreed = (int) byFile.values().stream().filter(Boolean::booleanValue).count();
        return new Agreement(agreed, byFile.size());
    }

    private static byte[] read(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }
}
