package io.sluice.mta.dkim;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * A message split into its header fields (top to bottom) and its body bytes, the form DKIM works
 * on. Lines end in CRLF as on the SMTP wire (RFC 5321 section 2.3.8); a message with bare LF line
 * ends is converted first, as every verifier does before hashing.
 */
public record SignableMessage(List<HeaderField> headers, byte[] body) {

    public SignableMessage {
        headers = List.copyOf(headers);
    }

    public static SignableMessage parse(byte[] message) {
        byte[] crlf = hasBareLf(message) ? toCrlf(message) : message;
        String text = new String(crlf, StandardCharsets.ISO_8859_1);
        int end = text.startsWith("\r\n") ? 0 : text.indexOf("\r\n\r\n");
        int headerEnd = end < 0 ? text.length() : end;
        int bodyStart = end < 0 ? crlf.length : end + (end == 0 ? 2 : 4);
        List<HeaderField> fields = new ArrayList<>();
        StringBuilder current = null;
        for (String line : text.substring(0, headerEnd).split("\r\n", -1)) {
            if (line.isEmpty()) {
                continue;
            }
            boolean continuation = line.charAt(0) == ' ' || line.charAt(0) == '\t';
            if (continuation && current != null) {
                current.append("\r\n").append(line);
                continue;
            }
            if (current != null) {
                fields.add(HeaderField.of(current.toString()));
            }
            current = new StringBuilder(line);
        }
        if (current != null) {
            fields.add(HeaderField.of(current.toString()));
        }
        return new SignableMessage(fields, Arrays.copyOfRange(crlf, bodyStart, crlf.length));
    }

    /** The first field named {@code name}, top-down. */
    public Optional<HeaderField> first(String name) {
        return headers.stream().filter(h -> h.hasName(name)).findFirst();
    }

    public long count(String name) {
        return headers.stream().filter(h -> h.hasName(name)).count();
    }

    /** The whole message with {@code prepended} fields (each ending in CRLF) on top. */
    public byte[] toBytes(List<String> prepended) {
        StringBuilder head = new StringBuilder();
        prepended.forEach(head::append);
        for (HeaderField h : headers) {
            head.append(h.raw()).append("\r\n");
        }
        head.append("\r\n");
        byte[] top = head.toString().getBytes(StandardCharsets.ISO_8859_1);
        byte[] all = Arrays.copyOf(top, top.length + body.length);
        System.arraycopy(body, 0, all, top.length, body.length);
        return all;
    }

    private static boolean hasBareLf(byte[] m) {
        for (int i = 0; i < m.length; i++) {
            if (m[i] == '\n' && (i == 0 || m[i - 1] != '\r')) {
                return true;
            }
        }
        return false;
    }

    private static byte[] toCrlf(byte[] m) {
        byte[] out = new byte[m.length * 2];
        int n = 0;
        for (int i = 0; i < m.length; i++) {
            if (m[i] == '\n' && (i == 0 || m[i - 1] != '\r')) {
                out[n++] = '\r';
            }
            out[n++] = m[i];
        }
        return Arrays.copyOf(out, n);
    }
}
