package io.sluice.mta.dkim;

import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.Signature;
import java.security.interfaces.RSAPublicKey;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.bouncycastle.crypto.signers.Ed25519Signer;

/**
 * Verifies every DKIM-Signature field of a message (RFC 6376 section 6, RFC 8463, RFC 8301),
 * fetching keys through a {@link DkimKeyLookup}. One result per signature, in header order.
 */
public final class DkimVerifier {

    /** Fields a reader sees; an unsigned extra copy of one above the signed one is suspect. */
    private static final Set<String> DISPLAYED =
            Set.of("from", "sender", "reply-to", "to", "cc", "subject", "date");

    private final DkimKeyLookup keys;
    private final Clock clock;

    public DkimVerifier(DkimKeyLookup keys, Clock clock) {
        this.keys = keys;
        this.clock = clock;
    }

    public List<DkimVerification> verify(byte[] message) {
        return verify(SignableMessage.parse(message));
    }

    public List<DkimVerification> verify(SignableMessage message) {
        List<DkimVerification> results = new ArrayList<>();
        Map<String, String> bodyHashes = new HashMap<>();
        for (HeaderField field : message.headers()) {
            if (field.hasName("DKIM-Signature")) {
                results.add(verifyOne(message, field, bodyHashes));
            }
        }
        return results;
    }

    private DkimVerification verifyOne(
            SignableMessage message, HeaderField field, Map<String, String> bodyHashes) {
        TagList tags;
        try {
            tags = TagList.parse(field.value());
        } catch (IllegalArgumentException e) {
            return new DkimVerification(
                    "", "", "", DkimStatus.FAIL, "signature syntax: " + e.getMessage());
        }
        String d = tags.get("d").orElse("");
        String s = tags.get("s").orElse("");
        String a = tags.get("a").orElse("");
        try {
            return check(message, field, tags, d, s, a, bodyHashes);
        } catch (Failure f) {
            return new DkimVerification(d, s, a, f.status, f.getMessage());
        }
    }

    private DkimVerification check(
            SignableMessage message,
            HeaderField field,
            TagList tags,
            String d,
            String s,
            String a,
            Map<String, String> bodyHashes)
            throws Failure {
        // 6.1.1: required tags, version, algorithm, canonicalization, h= and i= rules.
        for (String required : List.of("v", "a", "b", "bh", "d", "h", "s")) {
            if (tags.get(required).isEmpty()) {
                throw Failure.perm("missing required tag " + required + "=");
            }
        }
        if (!tags.get("v").orElseThrow().equals("1")) {
            throw Failure.perm("unsupported version v=" + tags.get("v").orElseThrow());
        }
        DkimAlgorithm algorithm;
        Canonicalization headerCanon;
        Canonicalization bodyCanon;
        try {
            algorithm = DkimAlgorithm.fromTag(a);
            CanonicalizationPair c = CanonicalizationPair.parse(tags.get("c").orElse(null));
            headerCanon = c.header();
            bodyCanon = c.body();
        } catch (IllegalArgumentException e) {
            throw Failure.perm(e.getMessage());
        }
        List<String> signed = new ArrayList<>();
        for (String name : tags.get("h").orElseThrow().split(":")) {
            signed.add(name.strip().toLowerCase(Locale.ROOT));
        }
        if (!signed.contains("from")) {
            throw Failure.perm("h= does not include From (6.1.1)");
        }
        String domain = DkimKey.normalizeDomain(d);
        String auidDomain = domain;
        if (tags.get("i").isPresent()) {
            String i = tags.get("i").orElseThrow();
            auidDomain = DkimKey.normalizeDomain(i.substring(i.lastIndexOf('@') + 1));
            if (!auidDomain.equals(domain) && !auidDomain.endsWith("." + domain)) {
                throw Failure.perm("i= domain " + auidDomain + " is not within d=" + domain);
            }
        }
        if (tags.get("q").isPresent() && !tags.get("q").orElseThrow().contains("dns/txt")) {
            throw Failure.perm("unsupported query method q=" + tags.get("q").orElseThrow());
        }
        long now = clock.instant().getEpochSecond();
        Long t = number(tags, "t");
        Long x = number(tags, "x");
        if (x != null && x < now) {
            throw Failure.perm("signature expired at x=" + x);
        }
        if (x != null && t != null && x < t) {
            throw Failure.perm("x=" + x + " is before t=" + t);
        }
        Long l = number(tags, "l");

        // 6.1.2: the key.
        DkimPublicKeyRecord key = fetchKey(s, domain);
        if (key.revoked()) {
            throw Failure.perm("key revoked (empty p=)");
        }
        if (!key.keyType().equals(algorithm.keyType())) {
            throw Failure.perm("key type k=" + key.keyType() + " does not match a=" + a);
        }
        if (!key.allowsSha256()) {
            throw Failure.perm("key h= does not allow sha256");
        }
        if (!key.allowsEmail()) {
            throw Failure.perm("key s= does not allow email");
        }
        if (key.strictIdentity() && !auidDomain.equals(domain)) {
            throw Failure.perm("key t=s forbids i= subdomain " + auidDomain + " of d=" + domain);
        }

        // 6.1.3: body hash, then the header signature.
        String bodyHash =
                bodyHashes.computeIfAbsent(
                        bodyCanon + "/" + l, k -> bodyHash(message.body(), bodyCanon, l));
        if (bodyHash == null) {
            throw Failure.perm("l= is longer than the canonical body");
        }
        byte[] expected;
        byte[] signature;
        try {
            expected = Base64.getDecoder().decode(tags.compact("bh").orElseThrow());
            signature = Base64.getDecoder().decode(tags.compact("b").orElseThrow());
        } catch (IllegalArgumentException e) {
            throw Failure.perm("b= or bh= is not base64");
        }
        if (!MessageDigest.isEqual(expected, Base64.getDecoder().decode(bodyHash))) {
            throw Failure.perm("body hash did not verify");
        }
        byte[] data =
                SignedHeaderData.of(
                        message.headers(),
                        signed,
                        headerCanon,
                        TagList.withEmptySignature(field.raw()));
        if (!signatureValid(algorithm, key, data, signature)) {
            throw Failure.perm("signature did not verify");
        }
        for (String name : DISPLAYED) {
            long listed = signed.stream().filter(name::equals).count();
            if (listed > 0 && message.count(name) > listed) {
                return new DkimVerification(
                        d,
                        s,
                        a,
                        DkimStatus.POLICY_FAIL,
                        "an unsigned " + name + " field was added above the signed one (8.15)");
            }
        }
        return DkimVerification.pass(d, s, a);
    }

    private DkimPublicKeyRecord fetchKey(String selector, String domain) throws Failure {
        String name = selector + "._domainkey." + domain;
        List<String> records;
        try {
            records = keys.txt(name);
        } catch (IOException e) {
            throw new Failure(
                    DkimStatus.TEMPFAIL, "key lookup for " + name + ": " + e.getMessage());
        }
        if (records.isEmpty()) {
            throw Failure.perm("no key record at " + name);
        }
        try {
            return DkimPublicKeyRecord.parse(records.get(0));
        } catch (IllegalArgumentException e) {
            throw Failure.perm("key record at " + name + ": " + e.getMessage());
        }
    }

    private static boolean signatureValid(
            DkimAlgorithm algorithm, DkimPublicKeyRecord key, byte[] data, byte[] signature)
            throws Failure {
        try {
            if (algorithm == DkimAlgorithm.RSA_SHA256) {
                RSAPublicKey rsa = key.rsaKey();
                // RFC 8301 3.2: keys under 1024 bits are never valid.
                if (rsa.getModulus().bitLength() < 1024) {
                    throw Failure.perm(
                            "RSA key of " + rsa.getModulus().bitLength() + " bits (RFC 8301)");
                }
                Signature verifier = Signature.getInstance("SHA256withRSA");
                verifier.initVerify(rsa);
                verifier.update(data);
                return verifier.verify(signature);
            }
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(data);
            Ed25519Signer verifier = new Ed25519Signer();
            verifier.init(false, key.ed25519Key());
            verifier.update(hash, 0, hash.length);
            return verifier.verifySignature(signature);
        } catch (GeneralSecurityException e) {
            throw Failure.perm("unusable key: " + e.getMessage());
        }
    }

    /** Base64 body hash, or null when l= exceeds the canonical body (6.1.3). */
    private static String bodyHash(byte[] body, Canonicalization c, Long limit) {
        try {
            MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
            long length = c.digestBody(body, sha256, limit == null ? Long.MAX_VALUE : limit);
            if (limit != null && limit > length) {
                return null;
            }
            return Base64.getEncoder().encodeToString(sha256.digest());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    private static Long number(TagList tags, String name) throws Failure {
        if (tags.get(name).isEmpty()) {
            return null;
        }
        try {
            return Long.parseLong(tags.get(name).orElseThrow());
        } catch (NumberFormatException e) {
            throw Failure.perm(name + "= is not a number");
        }
    }

    /** Ends the checks of one signature with a status and a reason. */
    private static final class Failure extends Exception {
        private final DkimStatus status;

        Failure(DkimStatus status, String reason) {
            super(reason, null, false, false);
            this.status = status;
        }

        static Failure perm(String reason) {
            return new Failure(DkimStatus.FAIL, reason);
        }
    }
}
