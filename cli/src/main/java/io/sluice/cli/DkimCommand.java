package io.sluice.cli;

import io.sluice.mta.dkim.DkimAlgorithm;
import io.sluice.mta.dkim.DkimKey;
import io.sluice.mta.dkim.DkimKeyLookup;
import io.sluice.mta.dkim.DkimKeyRing;
import io.sluice.mta.dkim.DkimSigner;
import io.sluice.mta.dkim.DkimVerification;
import io.sluice.mta.dkim.DkimVerifier;
import io.sluice.mta.dkim.DnsTxtLookup;
import io.sluice.mta.dkim.SigningOptions;
import io.sluice.schema.ControlEvent;
import io.sluice.schema.ControlType;
import io.sluice.schema.DkimKeyAction;
import io.sluice.schema.DkimKeyChange;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.xbill.DNS.ExtendedResolver;
import org.xbill.DNS.Resolver;
import org.xbill.DNS.SimpleResolver;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code sluice dkim}: Sluice's DKIM signer and verifier on one message
 * (docs/design/authentication.md).
 */
@Command(
        name = "dkim",
        mixinStandardHelpOptions = true,
        description = {
            "Sign or verify one message with Sluice's DKIM code; rotate or withdraw a signing key",
            "of the running delivery job (a DKIM_KEY decision on the control topic)."
        },
        subcommands = {
            DkimCommand.Sign.class,
            DkimCommand.Verify.class,
            DkimCommand.Activate.class,
            DkimCommand.Withdraw.class
        })
public final class DkimCommand implements Runnable {

    @picocli.CommandLine.Spec private picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    @Command(
            name = "sign",
            mixinStandardHelpOptions = true,
            description = {
                "Read a message on standard input (or FILE) and write it with DKIM-Signature",
                "fields prepended: one per key, RSA and Ed25519 with --algorithm both."
            })
    static final class Sign implements Callable<Integer> {
        @Option(
                names = "--key",
                required = true,
                arity = "1..2",
                description = "PEM private key file(s), PKCS#8 or PKCS#1; one per algorithm.")
        List<Path> keys;

        @Option(names = "--domain", required = true, description = "Signing domain (d=).")
        String domain;

        @Option(
                names = "--selector",
                required = true,
                arity = "1..2",
                description =
                        "Selector (s=) of each key, in the order of --key: DNS publishes one key"
                                + " per selector.")
        List<String> selectors;

        @Option(
                names = "--algorithm",
                description = "rsa, ed25519 or both (default: ${DEFAULT-VALUE}).")
        String algorithm = "both";

        @Option(
                names = "--simple",
                description = "simple/simple canonicalization instead of relaxed/relaxed.")
        boolean simple;

        @Parameters(arity = "0..1", paramLabel = "FILE")
        Path file;

        @Override
        public Integer call() throws Exception {
            if (selectors.size() != keys.size()) {
                System.err.println(
                        "sluice dkim sign: "
                                + keys.size()
                                + " keys but "
                                + selectors.size()
                                + " selectors -- give one --selector per --key: DNS publishes one"
                                + " key per selector");
                return 2;
            }
            DkimKeyRing ring = new DkimKeyRing();
            for (int i = 0; i < keys.size(); i++) {
                Path k = keys.get(i);
                DkimKey key = DkimKey.load(domain, selectors.get(i), k);
                boolean wanted =
                        switch (algorithm) {
                            case "both" -> true;
                            case "rsa" -> key.algorithm() == DkimAlgorithm.RSA_SHA256;
                            case "ed25519" -> key.algorithm() == DkimAlgorithm.ED25519_SHA256;
                            default -> {
                                System.err.println(
                                        "sluice dkim sign: --algorithm '"
                                                + algorithm
                                                + "' -- expected rsa, ed25519 or both");
                                yield false;
                            }
                        };
                if (wanted) {
                    ring.activate(key);
                }
            }
            if (ring.keysFor(domain).isEmpty()) {
                System.err.println(
                        "sluice dkim sign: no key of algorithm '" + algorithm + "' among " + keys);
                return 2;
            }
            SigningOptions options = SigningOptions.defaults();
            if (simple) {
                options =
                        options.withCanonicalization(
                                io.sluice.mta.dkim.Canonicalization.SIMPLE,
                                io.sluice.mta.dkim.Canonicalization.SIMPLE);
            }
            byte[] message = file == null ? System.in.readAllBytes() : Files.readAllBytes(file);
            System.out.write(new DkimSigner(options, Clock.systemUTC()).signMessage(message, ring));
            System.out.flush();
            return 0;
        }
    }

    @Command(
            name = "verify",
            mixinStandardHelpOptions = true,
            description = {
                "Read a message on standard input (or FILE) and print one line per DKIM-Signature:",
                "domain, selector, algorithm, result and the reason for anything but a pass.",
                "Exit status 0 when at least one signature passes."
            })
    static final class Verify implements Callable<Integer> {
        @Option(
                names = "--dns",
                description = "DNS server host:port for key records (default: the system's).")
        String dns;

        @Option(
                names = "--key-record",
                description =
                        "Use this key record instead of DNS, as NAME=RECORD (e.g."
                                + " sel._domainkey.example.com='v=DKIM1; k=rsa; p=...').")
        List<String> keyRecords = new ArrayList<>();

        @Parameters(arity = "0..1", paramLabel = "FILE")
        Path file;

        @Override
        public Integer call() throws Exception {
            DkimKeyLookup lookup;
            if (!keyRecords.isEmpty()) {
                lookup =
                        name ->
                                keyRecords.stream()
                                        .filter(r -> r.startsWith(name + "="))
                                        .map(r -> r.substring(name.length() + 1))
                                        .toList();
            } else {
                lookup = new DnsTxtLookup(resolver());
            }
            byte[] message = file == null ? System.in.readAllBytes() : Files.readAllBytes(file);
            List<DkimVerification> results =
                    new DkimVerifier(lookup, Clock.systemUTC()).verify(message);
            if (results.isEmpty()) {
                System.out.println("none\tno DKIM-Signature field");
                return 1;
            }
            boolean pass = false;
            for (DkimVerification v : results) {
                pass |= v.status() == io.sluice.mta.dkim.DkimStatus.PASS;
                System.out.println(
                        v.domain()
                                + "\t"
                                + v.selector()
                                + "\t"
                                + v.algorithm()
                                + "\t"
                                + v.status().name().toLowerCase(java.util.Locale.ROOT)
                                + (v.reason().isEmpty() ? "" : "\t" + v.reason()));
            }
            return pass ? 0 : 1;
        }

        private Resolver resolver() throws Exception {
            if (dns == null) {
                return new ExtendedResolver();
            }
            int colon = dns.lastIndexOf(':');
            SimpleResolver r =
                    new SimpleResolver(
                            new InetSocketAddress(
                                    dns.substring(0, colon),
                                    Integer.parseInt(dns.substring(colon + 1))));
            r.setTimeout(Duration.ofSeconds(3));
            return r;
        }
    }

    @Command(
            name = "activate",
            mixinStandardHelpOptions = true,
            description = {
                "Rotate to a new selector: every message of the domain released after the running",
                "delivery job reads this signs with it (for its algorithm), instead of the key it",
                "replaces. Publish the selector's DNS record first. The private key stays where it",
                "is: only its path travels, and it must be readable by the delivery job's tasks.",
                "  sluice dkim activate --domain acme.example --selector s2026 --key /keys/s2026.pem"
            })
    static final class Activate implements Callable<Integer> {
        @picocli.CommandLine.Mixin OperatorCommands.Target target;

        @Option(names = "--domain", required = true, description = "Signing domain (d=).")
        String domain;

        @Option(names = "--selector", required = true, description = "The new selector (s=).")
        String selector;

        @Option(
                names = "--key",
                required = true,
                description = "Path of the PEM private key, as the delivery job's tasks see it.")
        Path key;

        @Option(names = "--reason", description = "Why, for the next person who looks.")
        String reason;

        @Override
        public Integer call() throws Exception {
            DkimKey k;
            try {
                // Checked here, at the edge: a key the job would refuse fails now, not in a task.
                k = DkimKey.load(domain, selector, key);
            } catch (RuntimeException e) {
                System.err.println("sluice dkim activate: " + e.getMessage());
                return 2;
            }
            ControlEvent c =
                    OperatorCommands.operator(ControlType.DKIM_KEY)
                            .setReason(reason == null ? "DKIM key rotation" : reason)
                            .setDkim(
                                    DkimKeyChange.newBuilder()
                                            .setDomain(k.domain())
                                            .setSelector(selector)
                                            .setAlgorithm(k.algorithm().tag())
                                            .setAction(DkimKeyAction.ACTIVATE)
                                            .setKeyRef(key.toAbsolutePath().toString())
                                            .build())
                            .build();
            try (var topic = target.open()) {
                topic.publish(OperatorCommands.id(c));
            }
            System.out.println(
                    "activated\t" + k.domain() + "\t" + selector + "\t" + k.algorithm().tag());
            return 0;
        }
    }

    @Command(
            name = "withdraw",
            mixinStandardHelpOptions = true,
            description = {
                "Withdraw a selector at once (a compromised key): no message of the domain released",
                "after the running delivery job reads this is signed with it, and it never signs",
                "again. Mail of the domain goes out with its other keys, or unsigned if none.",
                "  sluice dkim withdraw --domain acme.example --selector s2025 --reason compromised"
            })
    static final class Withdraw implements Callable<Integer> {
        @picocli.CommandLine.Mixin OperatorCommands.Target target;

        @Option(names = "--domain", required = true, description = "Signing domain (d=).")
        String domain;

        @Option(names = "--selector", required = true, description = "The selector (s=).")
        String selector;

        @Option(names = "--reason", description = "Why, for the next person who looks.")
        String reason;

        @Override
        public Integer call() throws Exception {
            ControlEvent c =
                    OperatorCommands.operator(ControlType.DKIM_KEY)
                            .setReason(reason == null ? "DKIM key withdrawn" : reason)
                            .setDkim(
                                    DkimKeyChange.newBuilder()
                                            .setDomain(domain.toLowerCase(java.util.Locale.ROOT))
                                            .setSelector(selector)
                                            .setAlgorithm("")
                                            .setAction(DkimKeyAction.WITHDRAW)
                                            .build())
                            .build();
            try (var topic = target.open()) {
                topic.publish(OperatorCommands.id(c));
            }
            System.out.println("withdrawn\t" + domain + "\t" + selector);
            return 0;
        }
    }
}
