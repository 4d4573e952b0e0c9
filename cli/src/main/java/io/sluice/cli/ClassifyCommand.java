package io.sluice.cli;

import io.sluice.bounce.arf.FeedbackReport;
import io.sluice.bounce.arf.FeedbackReportParser;
import io.sluice.bounce.classify.BounceClassifier;
import io.sluice.bounce.classify.Classification;
import io.sluice.bounce.classify.SmtpReply;
import io.sluice.bounce.corpus.BounceCorpusRun;
import io.sluice.bounce.corpus.ScoreTable;
import io.sluice.bounce.dsn.BounceReport;
import io.sluice.bounce.dsn.BouncedRecipient;
import io.sluice.bounce.dsn.DsnParser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code sluice classify}: what Sluice makes of a bounce message, an SMTP reply, or a whole corpus
 * laid out like {@code ../shared/corpora/bounces} (manifest.tsv plus mail/).
 */
@Command(
        name = "classify",
        mixinStandardHelpOptions = true,
        description = {
            "Classify bounce messages (FILE...), one SMTP reply (--reply), or score a corpus (--corpus).",
            "Files: FILE<TAB>recipient<TAB>reason<TAB>class<TAB>action per recipient found."
        })
public final class ClassifyCommand implements Callable<Integer> {

    @Option(names = "--reply", description = "One SMTP reply line, e.g. '550 5.1.1 user unknown'.")
    String reply;

    @Option(
            names = "--site",
            description = "The provider the reply came from (google, microsoft, yahoo, ...).")
    String site;

    @Option(
            names = "--corpus",
            description = "A folder with manifest.tsv and mail/ to score against.")
    Path corpus;

    @Parameters(arity = "0..*", description = "Bounce messages (RFC 5322 files).")
    List<Path> files = List.of();

    @Override
    public Integer call() throws Exception {
        BounceClassifier classifier = BounceClassifier.fromClasspath();
        if (reply != null) {
            Classification c = classifier.classify(SmtpReply.parse(reply), site);
            System.out.println(line(c));
            return 0;
        }
        if (corpus != null) {
            if (!Files.isRegularFile(corpus.resolve("manifest.tsv"))) {
                System.err.println("sluice classify: " + corpus + " has no manifest.tsv");
                return 2;
            }
            System.out.print(new ScoreTable(BounceCorpusRun.run(corpus)).render());
            return 0;
        }
        if (files.isEmpty()) {
            System.err.println(
                    "sluice classify: give FILE..., --reply TEXT or --corpus DIR (see --help)");
            return 2;
        }
        DsnParser parser = new DsnParser(classifier);
        FeedbackReportParser feedback = new FeedbackReportParser();
        for (Path file : files) {
            byte[] raw = Files.readAllBytes(file);
            FeedbackReport complaint = feedback.parse(raw);
            if (complaint.report()) {
                // A complaint unsubscribes the recipient from that tenant's mail at once.
                List<String> recipients =
                        complaint.recipients().isEmpty() ? List.of("") : complaint.recipients();
                for (String r : recipients) {
                    System.out.println(file + "\t" + r + "\tfeedback\tnone\tsuppress");
                }
                continue;
            }
            BounceReport report = parser.parse(raw);
            if (!report.bounce() || report.recipients().isEmpty()) {
                System.out.println(file + "\t\tnot-a-bounce\tnone\tnone");
                continue;
            }
            for (BouncedRecipient r : report.recipients()) {
                System.out.println(
                        file
                                + "\t"
                                + (r.recipient() == null ? "" : r.recipient())
                                + "\t"
                                + line(r.classification()));
            }
        }
        return 0;
    }

    private static String line(Classification c) {
        return c.reason().id()
                + "\t"
                + c.bounceClass().name().toLowerCase(Locale.ROOT)
                + "\t"
                + c.action().name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
