package io.sluice.bounce.mail;

import jakarta.mail.BodyPart;
import jakarta.mail.Header;
import jakarta.mail.MessagingException;
import jakarta.mail.Multipart;
import jakarta.mail.Part;
import jakarta.mail.Session;
import jakarta.mail.internet.ContentType;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import jakarta.mail.internet.MimeUtility;
import jakarta.mail.util.ByteArrayDataSource;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Enumeration;
import java.util.List;
import java.util.Locale;
import java.util.Properties;

/**
 * A message received at the bounce address, flattened into its top-level headers and decoded leaf
 * parts, so the DSN and feedback parsers never deal with MIME themselves.
 *
 * <p>Reading never throws: a part that cannot be decoded is kept as raw text, since bounce
 * generators routinely emit broken MIME (missing boundaries, unknown charsets).
 */
public record ReceivedMail(List<Header> headers, List<MailPart> parts) {

    /** Bounces are small; anything beyond this is an attached original we do not need. */
    private static final int MAX_PART_CHARS = 64 * 1024;

    /**
     * How much of a message is read at all. A bounce's own parts come first and are a few KiB; past
     * this lies only the returned original, and reading it would let one oversized message cost
     * seconds.
     */
    public static final int MAX_MESSAGE_BYTES = 128 * 1024;

    private static final int MAX_DEPTH = 8;

    /** Real bounces carry a few dozen header fields; thousands are an attack on the parser. */
    private static final int MAX_HEADERS = 500;

    // Creating a Session reads the provider configuration from the class path each time; one
    // shared, unauthenticated session is enough to parse messages (it is never used to send).
    private static final Session SESSION = Session.getInstance(new Properties());

    static {
        // Jakarta Mail 2.1 looks its StreamProvider up through ServiceLoader on every header block
        // and body part it parses (FactoryFinder, no cache): over a third of the time spent
        // reading a bounce. Naming the provider (Angus, the only one on the class path, so the
        // one ServiceLoader would find) in the property FactoryFinder reads first skips the scan.
        String provider = "jakarta.mail.util.StreamProvider";
        if (System.getProperty(provider) == null) {
            System.setProperty(provider, "org.eclipse.angus.mail.util.MailStreamProvider");
        }
    }

    private static final int MAX_PARTS = 64;

    /**
     * The longest line a message may have (RFC 5322 section 2.1.1), so the longest boundary line.
     */
    private static final int MAX_LINE = 998;

    public ReceivedMail {
        headers = List.copyOf(headers);
        parts = List.copyOf(parts);
    }

    /**
     * The last message read on this thread. The inbound job asks both the DSN and the feedback
     * parser about every message, and each reads it: parsing the MIME structure once instead of
     * twice saves a quarter of the time a message costs. Keyed by a copy of the bytes read, so a
     * caller that reuses its buffer never gets the answer for old content.
     */
    private static final ThreadLocal<LastRead> LAST = new ThreadLocal<>();

    private record LastRead(byte[] raw, ReceivedMail mail) {}

    public static ReceivedMail read(byte[] whole) {
        int length = Math.min(whole.length, MAX_MESSAGE_BYTES);
        LastRead last = LAST.get();
        if (last != null && Arrays.equals(last.raw(), 0, last.raw().length, whole, 0, length)) {
            return last.mail();
        }
        byte[] raw = Arrays.copyOf(whole, length);
        ReceivedMail mail = parse(raw);
        LAST.set(new LastRead(raw, mail));
        return mail;
    }

    private static ReceivedMail parse(byte[] raw) {
        List<Header> headers = new ArrayList<>();
        List<MailPart> parts = new ArrayList<>();
        try {
            MimeMessage message = new MimeMessage(SESSION, new ByteArrayInputStream(raw));
            Enumeration<Header> all = message.getAllHeaders();
            while (all.hasMoreElements()) {
                Header h = all.nextElement();
                if (headers.size() < MAX_HEADERS) {
                    headers.add(h);
                }
            }
            walk(message, false, 0, parts);
        } catch (MessagingException | IOException | RuntimeException e) {
            if (parts.isEmpty()) {
                parts.add(
                        new MailPart(
                                "text/plain",
                                cap(new String(raw, StandardCharsets.ISO_8859_1)),
                                false));
            }
        }
        return new ReceivedMail(headers, parts);
    }

    /** The first value of a top-level header, unfolded, or "". */
    public String header(String name) {
        for (Header h : headers) {
            if (h.getName().equalsIgnoreCase(name)) {
                // Decoded here, for the few fields read, rather than every field of every message.
                return decodeWords(h.getValue()).replaceAll("\\r?\\n[ \\t]*", " ");
            }
        }
        return "";
    }

    /** The text a person would read: every text part outside the attached original, in order. */
    public String humanText() {
        StringBuilder text = new StringBuilder();
        for (MailPart p : parts) {
            if (!p.enclosed() && (p.is("text/plain") || p.is("text/html"))) {
                text.append(p.is("text/html") ? HtmlText.strip(p.text()) : p.text()).append('\n');
            }
        }
        return text.toString();
    }

    public List<MailPart> partsOfType(String... types) {
        List<MailPart> found = new ArrayList<>();
        for (MailPart p : parts) {
            for (String t : types) {
                if (p.is(t)) {
                    found.add(p);
                }
            }
        }
        return found;
    }

    private static void walk(Part part, boolean enclosed, int depth, List<MailPart> out)
            throws MessagingException, IOException {
        if (depth > MAX_DEPTH || out.size() >= MAX_PARTS) {
            return;
        }
        String type = mediaType(part);
        if (type.startsWith("multipart/")) {
            Object content;
            try {
                content = multipartContent(part);
            } catch (MessagingException | IOException | RuntimeException e) {
                content = null;
            }
            if (content instanceof Multipart multipart) {
                int count = multipart.getCount();
                for (int i = 0; i < count; i++) {
                    BodyPart child = multipart.getBodyPart(i);
                    walk(child, enclosed, depth + 1, out);
                }
                return;
            }
            out.add(new MailPart("text/plain", text(part), enclosed));
            return;
        }
        if (type.equals("message/rfc822")) {
            // Kept as text (headers of the original are what feedback reports need), and also
            // walked, so that its parts are known but marked as enclosed.
            String raw = text(part);
            out.add(new MailPart(type, raw, enclosed));
            try {
                MimeMessage inner =
                        new MimeMessage(
                                SESSION,
                                new ByteArrayInputStream(raw.getBytes(StandardCharsets.UTF_8)));
                walk(inner, true, depth + 1, out);
            } catch (MessagingException | RuntimeException e) {
                // The enclosed original is optional context; its raw text is already kept.
            }
            return;
        }
        out.add(new MailPart(type, text(part), enclosed));
    }

    /**
     * A multipart part's content, or null to read it as text. Jakarta Mail builds its boundary
     * search table in time quadratic in the boundary's length, and without a boundary parameter
     * takes the first line starting with "--" for the boundary however long it is: a line of
     * "--boundary--boundary..." filling the 128 KiB read cost 1.3 s. No delimiter line is longer
     * than a line may be (RFC 5322 section 2.1.1): a longer boundary parameter makes the part text,
     * and the guess passes over longer lines.
     */
    private static Object multipartContent(Part part) throws MessagingException, IOException {
        ContentType type = new ContentType(part.getContentType());
        String boundary = type.getParameter("boundary");
        if (boundary != null) {
            return 2 + boundary.length() > MAX_LINE ? null : part.getContent();
        }
        byte[] content;
        try (InputStream in = part.getInputStream()) {
            content = in.readAllBytes();
        }
        String guess = boundaryLine(content, Integer.MAX_VALUE);
        if (guess == null || guess.length() <= MAX_LINE) {
            return part.getContent();
        }
        String line = boundaryLine(content, MAX_LINE);
        if (line == null) {
            return null;
        }
        type.setParameter("boundary", line.substring(2));
        return new MimeMultipart(new ByteArrayDataSource(content, type.toString()));
    }

    /**
     * The first line Jakarta Mail would take for the boundary of a multipart without a boundary
     * parameter (starts with "--", is not all dashes, trailing blanks dropped), of at most {@code
     * max} characters; null if none.
     */
    private static String boundaryLine(byte[] content, int max) {
        int start = 0;
        while (start < content.length) {
            int end = start;
            while (end < content.length && content[end] != '\n' && content[end] != '\r') {
                end++;
            }
            int last = end;
            while (last > start && (content[last - 1] == ' ' || content[last - 1] == '\t')) {
                last--;
            }
            int length = last - start;
            if (length > 2
                    && length <= max
                    && content[start] == '-'
                    && content[start + 1] == '-'
                    && !(length > 4 && allDashes(content, start, last))) {
                return new String(content, start, length, StandardCharsets.ISO_8859_1);
            }
            start = end + 1;
        }
        return null;
    }

    private static boolean allDashes(byte[] bytes, int from, int to) {
        for (int i = from; i < to; i++) {
            if (bytes[i] != '-') {
                return false;
            }
        }
        return true;
    }

    private static String mediaType(Part part) {
        try {
            String header = part.getContentType();
            if (header == null) {
                return "text/plain";
            }
            return new ContentType(header).getBaseType().toLowerCase(Locale.ROOT);
        } catch (MessagingException | RuntimeException e) {
            return "text/plain";
        }
    }

    private static String text(Part part) {
        byte[] bytes;
        try (InputStream in = part.getInputStream()) {
            bytes = in.readNBytes(MAX_PART_CHARS);
        } catch (MessagingException | IOException | RuntimeException e) {
            try (InputStream in = rawStream(part)) {
                bytes = in == null ? new byte[0] : in.readNBytes(MAX_PART_CHARS);
            } catch (MessagingException | IOException | RuntimeException e2) {
                bytes = new byte[0];
            }
        }
        return new String(bytes, charset(part));
    }

    private static InputStream rawStream(Part part) throws MessagingException {
        if (part instanceof MimeMessage m) {
            return m.getRawInputStream();
        }
        if (part instanceof jakarta.mail.internet.MimeBodyPart b) {
            return b.getRawInputStream();
        }
        return null;
    }

    private static Charset charset(Part part) {
        try {
            String name = new ContentType(part.getContentType()).getParameter("charset");
            if (name != null) {
                return Charset.forName(MimeUtility.javaCharset(name.strip()));
            }
        } catch (MessagingException | RuntimeException e) {
            // Unknown or malformed charset: fall through to a byte-preserving default.
        }
        return StandardCharsets.UTF_8;
    }

    private static String decodeWords(String value) {
        if (value == null) {
            return "";
        }
        String utf8 = rawUtf8(value);
        if (utf8 != null) {
            return utf8;
        }
        if (value.indexOf("\u001b$") >= 0) {
            // Raw ISO-2022-JP in a header (Japanese carriers send it unencoded, against RFC
            // 2047): 7-bit escape sequences that read as text once decoded with that charset.
            return new String(
                    value.getBytes(StandardCharsets.ISO_8859_1), Charset.forName("ISO-2022-JP"));
        }
        try {
            return MimeUtility.decodeText(unfold(value));
        } catch (IOException | RuntimeException e) {
            return value;
        }
    }

    /**
     * What {@link MimeUtility#unfold} does, in one pass: a line break (CRLF, CR or LF) followed by
     * a space, a tab or the end is dropped; one after a backslash is kept and the backslash
     * dropped; any other is kept. MimeUtility's copies the rest of the value at every line break:
     * quadratic, some 40 ms for a field folded over 5,000 lines, and a bounce's From is read up to
     * five times.
     */
    static String unfold(String value) {
        StringBuilder out = null;
        int copied = 0;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c != '\r' && c != '\n') {
                continue;
            }
            int next =
                    c == '\r' && i + 1 < value.length() && value.charAt(i + 1) == '\n'
                            ? i + 2
                            : i + 1;
            if (out == null) {
                out = new StringBuilder(value.length());
            }
            if (i > 0 && value.charAt(i - 1) == '\\') {
                out.append(value, copied, i - 1).append(value, i, next);
            } else if (next >= value.length()
                    || value.charAt(next) == ' '
                    || value.charAt(next) == '\t') {
                out.append(value, copied, i);
            } else {
                out.append(value, copied, next);
            }
            copied = next;
            i = next - 1;
        }
        return out == null ? value : out.append(value, copied, value.length()).toString();
    }

    /**
     * A header with raw 8-bit UTF-8 (RFC 6532 allows it; the parser hands it over byte per char),
     * read as UTF-8; null when the value is plain ASCII or not valid UTF-8.
     */
    private static String rawUtf8(String value) {
        boolean high = false;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c > 0xff) {
                return null;
            }
            high |= c >= 0x80;
        }
        if (!high) {
            return null;
        }
        try {
            return StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(value.getBytes(StandardCharsets.ISO_8859_1)))
                    .toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    private static String cap(String s) {
        return s.length() > MAX_PART_CHARS ? s.substring(0, MAX_PART_CHARS) : s;
    }
}
