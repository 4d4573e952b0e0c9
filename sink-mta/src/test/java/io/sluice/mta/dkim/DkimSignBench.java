package io.sluice.mta.dkim;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.security.KeyPairGenerator;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * DKIM signs per second on one thread: RSA-2048 alone, Ed25519 alone and both (the default), on a
 * parsed 10 KB or 100 KB message; and the bare signatures of a 300-byte header block, the floor
 * that the body's canonicalization and hash add to. Run by {@code bench/dkim}, which sets the
 * iterations and prints the table beside {@code openssl speed}.
 *
 * <p>The body is text as a mail client sends it: quoted-printable lines of at most 76 characters
 * with single spaces between words, and every tenth line with a double space and a trailing space
 * for the relaxed canonicalization to remove.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class DkimSignBench {

    private static final Clock CLOCK =
            Clock.fixed(Instant.parse("2026-03-01T10:00:00Z"), ZoneOffset.UTC);

    /** One RSA-2048 and one Ed25519 key, made fresh per fork, and a signer for each choice. */
    @State(Scope.Benchmark)
    public static class Keys {
        DkimKey rsa;
        DkimKey ed25519;
        DkimSigner rsaOnly;
        DkimSigner ed25519Only;
        DkimSigner both;
        final byte[] headerBlock = headerBlock();

        @Setup
        public void setUp() throws Exception {
            KeyPairGenerator rsaGenerator = KeyPairGenerator.getInstance("RSA");
            rsaGenerator.initialize(2048);
            rsa = DkimKey.of("example.org", "r2026", rsaGenerator.generateKeyPair().getPrivate());
            ed25519 =
                    DkimKey.of(
                            "example.org",
                            "e2026",
                            KeyPairGenerator.getInstance("Ed25519").generateKeyPair().getPrivate());
            rsaOnly = signer(EnumSet.of(DkimAlgorithm.RSA_SHA256));
            ed25519Only = signer(EnumSet.of(DkimAlgorithm.ED25519_SHA256));
            both = signer(EnumSet.allOf(DkimAlgorithm.class));
            System.out.println("# DKIM providers: " + SignatureProviders.system());
        }

        private static DkimSigner signer(EnumSet<DkimAlgorithm> algorithms) {
            return new DkimSigner(SigningOptions.defaults().withAlgorithms(algorithms), CLOCK);
        }
    }

    /** The message to sign, parsed once: parsing is the SMTP stage's, signing is measured. */
    @State(Scope.Benchmark)
    public static class Message {
        @Param({"10", "100"})
        public int bodyKb;

        SignableMessage parsed;

        @Setup
        public void setUp() {
            parsed = SignableMessage.parse(message(bodyKb));
        }
    }

    /**
     * The operations and the CPU time of this thread in each measured iteration. The machine is
     * shared, so {@code bench/dkim} reports signs per CPU-second (ops / CPU time), as {@code
     * openssl speed} reports its own by default; JMH's wall-clock score is printed beside it.
     */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.EVENTS)
    public static class CpuTime {
        private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

        public long ops;
        public long cpuNanos;
        private long cpuStart;

        @Setup(Level.Iteration)
        public void start() {
            ops = 0;
            cpuStart = THREADS.getCurrentThreadCpuTime();
        }

        @TearDown(Level.Iteration)
        public void stop() {
            cpuNanos = THREADS.getCurrentThreadCpuTime() - cpuStart;
        }
    }

    @Benchmark
    public List<String> rsa(Keys keys, Message message, CpuTime cpu) {
        cpu.ops++;
        return keys.rsaOnly.sign(message.parsed, List.of(keys.rsa));
    }

    @Benchmark
    public List<String> ed25519(Keys keys, Message message, CpuTime cpu) {
        cpu.ops++;
        return keys.ed25519Only.sign(message.parsed, List.of(keys.ed25519));
    }

    @Benchmark
    public List<String> both(Keys keys, Message message, CpuTime cpu) {
        cpu.ops++;
        return keys.both.sign(message.parsed, List.of(keys.ed25519, keys.rsa));
    }

    /** RSA-2048 over the header block alone (SHA-256 of 300 bytes, then the private-key step). */
    @Benchmark
    public byte[] rsaSignatureOnly(Keys keys, CpuTime cpu) {
        cpu.ops++;
        return keys.rsa.sign(keys.headerBlock);
    }

    /** Ed25519 over the SHA-256 of the header block alone. */
    @Benchmark
    public byte[] ed25519SignatureOnly(Keys keys, CpuTime cpu) {
        cpu.ops++;
        return keys.ed25519.sign(keys.headerBlock);
    }

    /** The relaxed body hash alone (canonicalization and SHA-256), shared by both signatures. */
    @Benchmark
    public String bodyHashOnly(Message message, CpuTime cpu) {
        cpu.ops++;
        return DkimSigner.bodyHash(message.parsed.body(), Canonicalization.RELAXED);
    }

    static byte[] message(int kb) {
        StringBuilder s =
                new StringBuilder(
                        "From: News <news@example.org>\r\n"
                                + "To: bob@example.net\r\n"
                                + "Subject: Spring sale starts today\r\n"
                                + "Date: Sun, 1 Mar 2026 10:00:00 +0000\r\n"
                                + "Message-ID: <1@example.org>\r\n"
                                + "MIME-Version: 1.0\r\n"
                                + "Content-Type: text/html; charset=utf-8\r\n"
                                + "Content-Transfer-Encoding: quoted-printable\r\n"
                                + "List-Unsubscribe: <https://u.example.org/u/abc>\r\n"
                                + "List-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n"
                                + "\r\n");
        String[] words = {
            "<p", "class=3D\"offer\">Everything", "must", "go:", "half", "price", "on", "all",
            "spring", "jackets,", "boots", "and", "umbrellas", "until", "Sunday.</p>", "<a",
            "href=3D\"https://example.org/sale\">Shop", "now</a>"
        };
        int line = 0;
        int word = 0;
        while (s.length() < kb * 1024) {
            StringBuilder l = new StringBuilder(76);
            while (l.length() + words[word % words.length].length() + 1 <= 74) {
                l.append(l.length() == 0 ? "" : line % 10 == 0 && word % 7 == 0 ? "  " : " ");
                l.append(words[word++ % words.length]);
            }
            s.append(l).append(line % 10 == 0 ? " \r\n" : "\r\n");
            line++;
        }
        return s.toString().getBytes(StandardCharsets.US_ASCII);
    }

    private static byte[] headerBlock() {
        String block =
                "from:News <news@example.org>\r\n"
                        + "to:bob@example.net\r\n"
                        + "subject:Spring sale starts today\r\n"
                        + "date:Sun, 1 Mar 2026 10:00:00 +0000\r\n"
                        + "message-id:<1@example.org>\r\n"
                        + "dkim-signature:v=1; a=rsa-sha256; c=relaxed/relaxed; d=example.org;"
                        + " s=r2026; t=1772359200; h=from:from:to:subject:subject:date;"
                        + " bh=2jUSOH9NhtVGCQWNr9BrIAPreKQjO6Sn7XIkfJVOzv8=; b=";
        return block.getBytes(StandardCharsets.US_ASCII);
    }
}
