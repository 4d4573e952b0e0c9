package io.sluice.local;

import io.sluice.mta.dkim.DkimKey;
import io.sluice.sim.dns.LocalDnsServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Name;
import org.xbill.DNS.TXTRecord;

/**
 * DKIM keys for the sample tenants' domains: an RSA 2048 and an Ed25519 key per domain, made on the
 * first run and kept under {@code <home>/dkim/} (PKCS#8 PEM), with their public records published
 * in the local DNS so receivers can verify.
 */
public final class LocalDkimKeys {

    public static final String RSA_SELECTOR = "sluice-rsa";
    public static final String ED25519_SELECTOR = "sluice-ed";

    private LocalDkimKeys() {}

    /** The {@code sluice.dkim.keys} entries for {@code domains}, after publishing them. */
    public static List<String> prepare(Path dir, List<String> domains, LocalDnsServer dns) {
        List<String> entries = new ArrayList<>();
        try {
            Files.createDirectories(dir);
            for (String domain : domains) {
                for (String selector : List.of(RSA_SELECTOR, ED25519_SELECTOR)) {
                    Path pem = dir.resolve(domain + "." + selector + ".pem");
                    if (!Files.exists(pem)) {
                        write(pem, generate(selector.equals(RSA_SELECTOR) ? "RSA" : "Ed25519"));
                    }
                    DkimKey key = DkimKey.load(domain, selector, pem);
                    dns.add(txt(selector + "._domainkey." + domain, key.publicKeyRecord()));
                    entries.add(domain + "/" + selector + "/" + pem.toAbsolutePath());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare DKIM keys in " + dir, e);
        }
        return entries;
    }

    /**
     * A new key for {@code selector} of {@code domain} ({@code RSA} 2048 or {@code Ed25519}),
     * written under {@code dir} and published in the local DNS: what a tenant does before rotating
     * to a new selector. Returns the PEM file.
     */
    public static Path provision(
            Path dir, String domain, String selector, String algorithm, LocalDnsServer dns) {
        try {
            Files.createDirectories(dir);
            Path pem = dir.resolve(domain + "." + selector + ".pem");
            write(pem, generate(algorithm));
            DkimKey key = DkimKey.load(domain, selector, pem);
            dns.add(txt(selector + "._domainkey." + domain, key.publicKeyRecord()));
            return pem.toAbsolutePath();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot provision a DKIM key in " + dir, e);
        }
    }

    private static PrivateKey generate(String algorithm) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance(algorithm);
            if (algorithm.equals("RSA")) {
                generator.initialize(2048);
            }
            return generator.generateKeyPair().getPrivate();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot generate a " + algorithm + " key", e);
        }
    }

    private static void write(Path pem, PrivateKey key) throws IOException {
        String body =
                Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                        .encodeToString(key.getEncoded());
        Files.writeString(
                pem, "-----BEGIN PRIVATE KEY-----\n" + body + "\n-----END PRIVATE KEY-----\n");
    }

    /** A TXT record, split in strings of at most 255 octets (RFC 1035 3.3.14, RFC 6376 3.6.2.2). */
    private static TXTRecord txt(String name, String value) throws IOException {
        List<String> strings = new ArrayList<>();
        for (int i = 0; i < value.length(); i += 255) {
            strings.add(value.substring(i, Math.min(value.length(), i + 255)));
        }
        return new TXTRecord(Name.fromString(name + "."), DClass.IN, 300, strings);
    }
}
