package io.sluice.mta.dkim;

import io.sluice.mta.dmarc.AuthorDomain;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Signs a message with DKIM (RFC 6376, RFC 8463): one DKIM-Signature field per key, to prepend to
 * the message. The body is hashed once per body canonicalization and reused by every signature.
 * Never sets l= (a body length limit lets anyone append content under the signature, 8.2).
 */
public final class DkimSigner {

    private static final String FIELD = "DKIM-Signature";
    private static final int LINE = 76;

    private final SigningOptions options;
    private final Clock clock;

    /** The names of {@code options.signedHeaders()} in lower case, and which are oversigned. */
    private final List<String> signedLower;

    private final boolean[] oversigned;

    public DkimSigner(SigningOptions options, Clock clock) {
        this.options = options;
        this.clock = clock;
        this.signedLower =
                options.signedHeaders().stream().map(n -> n.toLowerCase(Locale.ROOT)).toList();
        this.oversigned = new boolean[signedLower.size()];
        for (int i = 0; i < oversigned.length; i++) {
            String name = signedLower.get(i);
            oversigned[i] = options.oversignedHeaders().stream().anyMatch(name::equalsIgnoreCase);
        }
    }

    /**
     * Signs with the ring's keys for the message's From domain; returns the fields to prepend, each
     * ending in CRLF.
     */
    public List<String> sign(byte[] message, DkimKeyRing ring) {
        return sign(SignableMessage.parse(message), ring);
    }

    /** The whole message, signed with the ring's keys for its From domain. */
    public byte[] signMessage(byte[] message, DkimKeyRing ring) {
        SignableMessage parsed = SignableMessage.parse(message);
        return parsed.toBytes(sign(parsed, ring));
    }

    /** Signs with the ring's keys for the From domain (or its nearest parent with keys). */
    public List<String> sign(SignableMessage message, DkimKeyRing ring) {
        String from =
                message.first("From")
                        .flatMap(h -> AuthorDomain.of(h.value()))
                        .orElseThrow(
                                () ->
                                        new IllegalArgumentException(
                                                "message has no From domain -- cannot choose a DKIM key"));
        List<DkimKey> keys = ring.keysFor(from);
        if (keys.isEmpty()) {
            throw new IllegalStateException("no active DKIM key for From domain " + from);
        }
        return sign(message, keys);
    }

    /** One DKIM-Signature field (ending in CRLF) per key whose algorithm the options allow. */
    public List<String> sign(SignableMessage message, List<DkimKey> keys) {
        if (message.first("From").isEmpty()) {
            throw new IllegalArgumentException("message has no From field (RFC 6376 5.4)");
        }
        long now = clock.instant().getEpochSecond();
        List<String> signedNames = signedNames(message);
        // Computed once and shared by every signature: the body hash (the costly part for a large
        // message) and the canonical signed fields; only each DKIM-Signature field differs.
        String bh = null;
        String signedFields = null;
        List<String> fields = new ArrayList<>(keys.size());
        for (DkimKey key : keys) {
            if (!options.algorithms().contains(key.algorithm())) {
                continue;
            }
            refuseWeak(key);
            if (bh == null) {
                bh = bodyHash(message.body(), options.bodyCanonicalization());
                signedFields =
                        SignedHeaderData.signedFields(
                                message.headers(), signedNames, options.headerCanonicalization());
            }
            String template = template(key, now, signedNames, bh);
            // Our template ends with the empty b= tag.
            fields.add(
                    signed(
                                    key,
                                    template,
                                    template.length(),
                                    signedFields,
                                    options.headerCanonicalization())
                            + "\r\n");
        }
        if (fields.isEmpty()) {
            throw new IllegalStateException(
                    "none of the keys " + keys + " has an algorithm in " + options.algorithms());
        }
        return fields;
    }

    /**
     * Fills in b= of a DKIM-Signature field whose b= is empty, signing {@code message} with {@code
     * key}; h= and c= are read from the template. This is the signing step alone, with the tag
     * layout left to the caller, as needed to reproduce a published signature exactly.
     */
    public String complete(
            SignableMessage message, DkimKey key, String template, Canonicalization header) {
        refuseWeak(key);
        TagList tags = TagList.parse(template.substring(template.indexOf(':') + 1));
        List<String> h = List.of(tags.get("h").orElseThrow().split(":"));
        String signedFields = SignedHeaderData.signedFields(message.headers(), h, header);
        return signed(key, template, TagList.signatureValue(template)[0], signedFields, header);
    }

    /** The template with the signature written at {@code at}, where its empty b= value stands. */
    private static String signed(
            DkimKey key, String template, int at, String signedFields, Canonicalization header) {
        byte[] data = SignedHeaderData.of(signedFields, header, template);
        String b = Base64.getEncoder().encodeToString(key.sign(data));
        String before = template.substring(0, at);
        return before + fold(b, lastLineLength(before)) + template.substring(at);
    }

    /** The body hash (bh=) of a body under a canonicalization: base64 of SHA-256 (3.7). */
    public static String bodyHash(byte[] body, Canonicalization canonicalization) {
        MessageDigest sha256 = sha256();
        canonicalization.digestBody(body, sha256);
        return Base64.getEncoder().encodeToString(sha256.digest());
    }

    private void refuseWeak(DkimKey key) {
        if (key.algorithm() == DkimAlgorithm.RSA_SHA256
                && key.rsaBits() < options.minimumRsaBits()) {
            throw new IllegalArgumentException(
                    key
                            + ": RSA key of "
                            + key.rsaBits()
                            + " bits -- expected at least "
                            + options.minimumRsaBits()
                            + " (RFC 8301)");
        }
    }

    /** h=: each present field once per occurrence, oversigned ones once more (5.4.2, 8.15). */
    private List<String> signedNames(SignableMessage message) {
        Map<String, Integer> present = new HashMap<>();
        for (HeaderField h : message.headers()) {
            present.merge(h.lowerName(), 1, Integer::sum);
        }
        List<String> names = new ArrayList<>();
        for (int i = 0; i < signedLower.size(); i++) {
            String lower = signedLower.get(i);
            int count = present.getOrDefault(lower, 0) + (oversigned[i] ? 1 : 0);
            for (int n = 0; n < count; n++) {
                names.add(lower);
            }
        }
        return names;
    }

    private String template(DkimKey key, long now, List<String> signedNames, String bh) {
        Folder f = new Folder(FIELD + ":");
        f.tag("v=1;");
        f.tag("a=" + key.algorithm().tag() + ";");
        f.tag(
                "c="
                        + options.headerCanonicalization().tag()
                        + "/"
                        + options.bodyCanonicalization().tag()
                        + ";");
        f.tag("d=" + key.domain() + ";");
        f.tag("s=" + key.selector() + ";");
        f.tag("t=" + now + ";");
        options.expiry().ifPresent(x -> f.tag("x=" + (now + x.getSeconds()) + ";"));
        f.list("h=", signedNames);
        f.tag("bh=" + bh + ";");
        f.tag("b=");
        return f.toString();
    }

    private static int lastLineLength(String s) {
        return s.length() - (s.lastIndexOf('\n') + 1);
    }

    /** Folds a base64 value with CRLF TAB; whitespace inside b= is ignored by verifiers (3.5). */
    private static String fold(String b, int column) {
        StringBuilder out = new StringBuilder(b.length() + b.length() / 60 * 3);
        int room = Math.max(8, LINE - column);
        int pos = 0;
        while (pos < b.length()) {
            int end = Math.min(b.length(), pos + room);
            if (pos > 0) {
                out.append("\r\n\t");
            }
            out.append(b, pos, end);
            pos = end;
            room = LINE - 1;
        }
        return out.toString();
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    /** Lays tags out on lines of at most {@value #LINE} characters, folding with CRLF TAB. */
    private static final class Folder {
        private final StringBuilder out;
        private int column;

        Folder(String start) {
            out = new StringBuilder(512).append(start);
            column = start.length();
        }

        void tag(String tag) {
            if (column + 1 + tag.length() > LINE) {
                out.append("\r\n\t");
                column = 1;
            } else {
                out.append(' ');
                column++;
            }
            out.append(tag);
            column += tag.length();
        }

        /** A colon-separated list folded between items (FWS is allowed around ':' in h=). */
        void list(String prefix, List<String> items) {
            StringBuilder first = new StringBuilder(prefix).append(items.get(0));
            tag(items.size() == 1 ? first + ";" : first.toString());
            for (int i = 1; i < items.size(); i++) {
                String item = ":" + items.get(i) + (i == items.size() - 1 ? ";" : "");
                if (column + item.length() > LINE) {
                    out.append("\r\n\t");
                    column = 1;
                }
                out.append(item);
                column += item.length();
            }
        }

        @Override
        public String toString() {
            return out.toString();
        }
    }
}
