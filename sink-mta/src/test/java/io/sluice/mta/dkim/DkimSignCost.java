package io.sluice.mta.dkim;

import java.nio.charset.StandardCharsets;
import java.security.KeyPairGenerator;
import java.time.Clock;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;

/**
 * The cost of signing one message, single-threaded, printed as a table: RSA-2048 alone, Ed25519
 * alone, and both (the default), on 10 KB and 100 KB bodies. A plain main rather than JMH, so it
 * needs no extra build plugin; run it from the test classpath:
 *
 * <pre>
 * mvn -o -q -pl sink-mta test-compile dependency:build-classpath -Dmdep.outputFile=target/cp.txt
 * java -cp sink-mta/target/test-classes:sink-mta/target/classes:$(cat sink-mta/target/cp.txt) \
 *     io.sluice.mta.dkim.DkimSignCost
 * </pre>
 */
public final class DkimSignCost {

    private DkimSignCost() {}

    public static void main(String[] args) throws Exception {
        KeyPairGenerator rsaGen = KeyPairGenerator.getInstance("RSA");
        rsaGen.initialize(2048);
        DkimKey rsa = DkimKey.of("example.org", "r", rsaGen.generateKeyPair().getPrivate());
        DkimKey ed =
                DkimKey.of(
                        "example.org",
                        "e",
                        KeyPairGenerator.getInstance("Ed25519").generateKeyPair().getPrivate());
        System.out.printf(
                Locale.ROOT, "%-10s %-8s %12s %12s%n", "body", "keys", "signs/s", "us/message");
        for (int kb : new int[] {10, 100}) {
            SignableMessage message = SignableMessage.parse(message(kb));
            run(kb, "rsa", message, List.of(rsa), EnumSet.of(DkimAlgorithm.RSA_SHA256));
            run(kb, "ed25519", message, List.of(ed), EnumSet.of(DkimAlgorithm.ED25519_SHA256));
            run(kb, "both", message, List.of(ed, rsa), EnumSet.allOf(DkimAlgorithm.class));
        }
    }

    private static void run(
            int kb,
            String label,
            SignableMessage m,
            List<DkimKey> keys,
            EnumSet<DkimAlgorithm> algs) {
        DkimSigner signer =
                new DkimSigner(SigningOptions.defaults().withAlgorithms(algs), Clock.systemUTC());
        long sink = 0;
        for (int i = 0; i < 300; i++) {
            sink += signer.sign(m, keys).size();
        }
        int n = 0;
        long start = System.nanoTime();
        long end = start + 3_000_000_000L;
        while (System.nanoTime() < end) {
            sink += signer.sign(m, keys).size();
            n++;
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf(
                Locale.ROOT,
                "%-10s %-8s %12.0f %12.1f%s%n",
                kb + " KB",
                label,
                n / seconds,
                seconds * 1e6 / n,
                sink < 0 ? "!" : "");
    }

    private static byte[] message(int kb) {
        StringBuilder s =
                new StringBuilder(
                        "From: news@example.org\r\nTo: bob@example.net\r\nSubject: offer\r\n"
                                + "Date: Sun, 1 Mar 2026 10:00:00 +0000\r\nMessage-ID: <1@example.org>\r\n"
                                + "MIME-Version: 1.0\r\nContent-Type: text/html; charset=utf-8\r\n\r\n");
        char[] line = new char[76];
        Arrays.fill(line, 'x');
        while (s.length() < kb * 1024) {
            s.append(line).append(" \r\n");
        }
        return s.toString().getBytes(StandardCharsets.US_ASCII);
    }
}
