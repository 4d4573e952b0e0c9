package io.sluice.cli;

import io.sluice.delivery.kafka.Topics;
import io.sluice.delivery.suppression.SuppressionChanges;
import io.sluice.delivery.suppression.SuppressionCsv;
import io.sluice.delivery.suppression.SuppressionKey;
import io.sluice.delivery.suppression.SuppressionTopic;
import io.sluice.mta.address.EmailAddress;
import io.sluice.schema.SuppressionAction;
import io.sluice.schema.SuppressionChange;
import io.sluice.schema.SuppressionReason;
import io.sluice.schema.SuppressionScope;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code sluice suppress}: operators' view of the suppression list (ADR 0003, docs/topics.md). */
@Command(
        name = "suppress",
        mixinStandardHelpOptions = true,
        description = "Add, remove, check and bulk-import suppressed addresses.",
        subcommands = {
            SuppressCommand.Add.class,
            SuppressCommand.Remove.class,
            SuppressCommand.Check.class,
            SuppressCommand.Import.class
        })
public final class SuppressCommand implements Runnable {

    @picocli.CommandLine.Spec private picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    /** Where the list is. */
    static final class Target {
        @Option(
                names = "--bootstrap-servers",
                description = "Kafka bootstrap servers (default: ${DEFAULT-VALUE}).")
        String bootstrapServers = "localhost:9092";

        @Option(names = "--topic", description = "Suppression topic (default: ${DEFAULT-VALUE}).")
        String topic = Topics.SUPPRESSIONS;

        @Option(
                names = "--tenant",
                description = "Suppress for this tenant only; without it, for every tenant.")
        String tenant;

        SuppressionTopic open() {
            return new SuppressionTopic(bootstrapServers, topic);
        }
    }

    @Command(
            name = "add",
            mixinStandardHelpOptions = true,
            description = "Suppress addresses (or @domain for a whole domain).")
    static final class Add implements Callable<Integer> {
        @Mixin Target target;

        @Parameters(arity = "1..*", paramLabel = "ADDRESS")
        List<String> addresses;

        @Option(
                names = "--reason",
                description =
                        "hard-bounce, complaint, unsubscribe, manual or spam-trap (default:"
                                + " ${DEFAULT-VALUE}).")
        String reason = "manual";

        @Option(names = "--expires-in", description = "Lapse after this long, e.g. PT720H.")
        Duration expiresIn;

        @Option(names = "--note", description = "Why, for the next person who looks.")
        String note;

        @Override
        public Integer call() throws Exception {
            return change(target, addresses, SuppressionAction.ADD, reason, expiresIn, note);
        }
    }

    @Command(
            name = "remove",
            mixinStandardHelpOptions = true,
            description = "Take addresses off the list (a re-subscribe, a fix).")
    static final class Remove implements Callable<Integer> {
        @Mixin Target target;

        @Parameters(arity = "1..*", paramLabel = "ADDRESS")
        List<String> addresses;

        @Option(names = "--note", description = "Why, for the next person who looks.")
        String note;

        @Override
        public Integer call() throws Exception {
            return change(target, addresses, SuppressionAction.REMOVE, "manual", null, note);
        }
    }

    @Command(
            name = "check",
            mixinStandardHelpOptions = true,
            description = {
                "Print whether each address is suppressed, and why. Reads the topic's partitions",
                "of the address's keys, so it takes a few seconds on a large list."
            })
    static final class Check implements Callable<Integer> {
        @Mixin Target target;

        @Parameters(arity = "1..*", paramLabel = "ADDRESS")
        List<String> addresses;

        @Override
        public Integer call() throws Exception {
            int status = 0;
            try (SuppressionTopic topic = target.open()) {
                for (String a : addresses) {
                    String key;
                    try {
                        key = SuppressionKey.of(a);
                    } catch (EmailAddress.InvalidAddressException e) {
                        System.err.println("sluice suppress check: '" + a + "': " + e.getMessage());
                        status = 2;
                        continue;
                    }
                    List<SuppressionChange> inForce =
                            topic.inForce(key, target.tenant, Instant.now());
                    if (inForce.isEmpty()) {
                        System.out.println(key + "\tnot suppressed");
                    }
                    for (SuppressionChange c : inForce) {
                        System.out.println(key + "\tsuppressed\t" + describe(c));
                    }
                }
            }
            return status;
        }
    }

    @Command(
            name = "import",
            mixinStandardHelpOptions = true,
            description = {
                "Import a suppression list from CSV: one address per line, or a header naming",
                "address and any of reason, tenant, expires_at, note. Bad rows are reported and",
                "skipped."
            })
    static final class Import implements Callable<Integer> {
        @Mixin Target target;

        @Parameters(paramLabel = "FILE", description = "CSV file; - for standard input.")
        String file;

        @Option(
                names = "--reason",
                description = "Reason of rows without one (default: ${DEFAULT-VALUE}).")
        String reason = "unsubscribe";

        @Override
        public Integer call() throws Exception {
            SuppressionReason defaultReason = reason(reason);
            boolean stdin = file.equals("-");
            long size = stdin ? 0 : Files.size(Path.of(file));
            Instant started = Instant.now();
            SuppressionCsv csv =
                    new SuppressionCsv(
                            defaultReason,
                            target.tenant,
                            started,
                            "import:" + (stdin ? "stdin" : Path.of(file).getFileName()));
            ProgressBar progress = new ProgressBar(System.err, size);
            long read = 0;
            long imported = 0;
            long skipped = 0;
            AtomicLong failed = new AtomicLong();
            AtomicReference<Exception> firstFailure = new AtomicReference<>();
            try (InputStream in = stdin ? System.in : Files.newInputStream(Path.of(file));
                    BufferedReader lines =
                            new BufferedReader(
                                    new InputStreamReader(in, StandardCharsets.UTF_8), 1 << 16);
                    SuppressionTopic topic = target.open()) {
                String line;
                while ((line = lines.readLine()) != null) {
                    read += line.length() + 1;
                    SuppressionChange c;
                    try {
                        c = csv.read(line);
                    } catch (IllegalArgumentException e) {
                        if (++skipped <= 20) {
                            System.err.println("\nsluice suppress import: " + e.getMessage());
                        }
                        continue;
                    }
                    if (c == null) {
                        continue;
                    }
                    topic.publish(
                            c,
                            e -> {
                                failed.incrementAndGet();
                                firstFailure.compareAndSet(null, e);
                            });
                    if (++imported % 10_000 == 0) {
                        progress.show(read, rate(imported, started));
                    }
                }
                topic.flush();
            } catch (IOException e) {
                System.err.println("sluice suppress import: " + file + ": " + e.getMessage());
                return 2;
            }
            progress.show(size == 0 ? read : size, rate(imported, started));
            progress.finish();
            if (failed.get() > 0) {
                System.err.println(
                        "sluice suppress import: "
                                + failed.get()
                                + " rows not written: "
                                + firstFailure.get());
                return 1;
            }
            System.out.printf(
                    Locale.ROOT,
                    "imported=%d skipped=%d lines=%d elapsed=%ds %s%n",
                    imported,
                    skipped,
                    csv.line(),
                    Duration.between(started, Instant.now()).toSeconds(),
                    rate(imported, started));
            return skipped > 0 ? 3 : 0;
        }
    }

    private static int change(
            Target target,
            List<String> addresses,
            SuppressionAction action,
            String reasonName,
            Duration expiresIn,
            String note)
            throws Exception {
        SuppressionReason reason = reason(reasonName);
        Instant now = Instant.now();
        int status = 0;
        try (SuppressionTopic topic = target.open()) {
            for (String a : addresses) {
                String key;
                try {
                    key =
                            a.startsWith("@")
                                    ? SuppressionKey.ofDomain(a.substring(1))
                                    : SuppressionKey.of(a);
                } catch (EmailAddress.InvalidAddressException e) {
                    System.err.println("sluice suppress: '" + a + "': " + e.getMessage());
                    status = 2;
                    continue;
                }
                SuppressionChange c =
                        SuppressionChange.newBuilder()
                                .setAddress(key)
                                .setScope(
                                        target.tenant == null
                                                ? SuppressionScope.GLOBAL
                                                : SuppressionScope.TENANT)
                                .setTenant(target.tenant)
                                .setAction(action)
                                .setReason(reason)
                                .setSourceEventId("cli:" + System.getProperty("user.name"))
                                .setChangedAt(now)
                                .setExpiresAt(expiresIn == null ? null : now.plus(expiresIn))
                                .setNote(note)
                                .build();
                topic.publish(c).get();
                System.out.println(
                        (action == SuppressionAction.ADD ? "suppressed\t" : "removed\t")
                                + SuppressionChanges.topicKey(c));
            }
        }
        return status;
    }

    private static SuppressionReason reason(String name) {
        String v = name.trim().toUpperCase(Locale.ROOT).replace('-', '_');
        for (SuppressionReason r : SuppressionReason.values()) {
            if (r != SuppressionReason.UNKNOWN && r.name().equals(v)) {
                return r;
            }
        }
        throw new picocli.CommandLine.ParameterException(
                new picocli.CommandLine(new SuppressCommand()),
                "reason '"
                        + name
                        + "' -- expected hard-bounce, complaint, unsubscribe, manual or spam-trap");
    }

    private static String describe(SuppressionChange c) {
        return (c.getScope() == SuppressionScope.GLOBAL ? "global" : "tenant:" + c.getTenant())
                + (c.getAddress().startsWith("@") ? " domain " + c.getAddress().substring(1) : "")
                + "\t"
                + c.getReason().name().toLowerCase(Locale.ROOT).replace('_', '-')
                + "\tsince "
                + c.getChangedAt()
                + (c.getExpiresAt() == null ? "" : "\tuntil " + c.getExpiresAt())
                + (c.getSourceEventId() == null ? "" : "\tsource " + c.getSourceEventId())
                + (c.getNote() == null ? "" : "\tnote " + c.getNote());
    }

    private static String rate(long n, Instant since) {
        double s = Math.max(0.001, Duration.between(since, Instant.now()).toMillis() / 1000.0);
        return String.format(Locale.ROOT, "%.0f/s", n / s);
    }
}
