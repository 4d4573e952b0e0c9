package io.sluice.delivery.intake;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class MessageValidatorTest {

    private final MessageValidator validator = new MessageValidator(1024 * 1024, true);

    @Test
    void aWellFormedMessagePasses() {
        assertThat(validator.check(Messages.valid("m-1"))).isEmpty();
    }

    static Stream<Arguments> brokenRequests() {
        return Stream.of(
                row("invalid-message-id", m -> with(m, "id", "has space")),
                row("invalid-message-id", m -> with(m, "id", "a@b")),
                row("invalid-tenant", m -> with(m, "tenant", "")),
                row("invalid-recipient", m -> with(m, "recipient", "nobody")),
                row("invalid-recipient", m -> with(m, "recipient", "x@localhost")),
                row(
                        "header-injection",
                        m -> with(m, "recipient", "x@gmail.com\r\nBcc: y@gmail.com")),
                row("invalid-from", m -> with(m, "from", "news at acme")),
                row("header-injection", m -> with(m, "subject", "Hi\nBcc: all@example.com")),
                row("header-injection", m -> with(m, "fromName", "Acme\r\nX-Evil: 1")),
                row("header-injection", m -> withHeader(m, "X-Tag", "a\rb")),
                row("invalid-header-name", m -> withHeader(m, "X Tag", "v")),
                row("reserved-header", m -> withHeader(m, "Message-ID", "<x@y>")),
                row("reserved-header", m -> withHeader(m, "list-unsubscribe", "<https://x>")),
                row("missing-body", m -> withBodies(m, null, null)),
                row("too-large", m -> withBodies(m, "x".repeat(1024 * 1024 + 1), null)),
                row("missing-unsubscribe-url", m -> with(m, "unsubscribe", null)),
                row(
                        "invalid-unsubscribe-url",
                        m -> with(m, "unsubscribe", "http://acme.example/u")),
                row(
                        "invalid-unsubscribe-url",
                        m -> with(m, "unsubscribe", "https://a.example/u>x")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("brokenRequests")
    void brokenRequestsAreRejectedWithTheRuleTheyBreak(String code, UnaryOperator<Message> change) {
        Optional<Rejection> r = validator.check(change.apply(Messages.valid("m-1")));

        assertThat(r).isPresent();
        assertThat(r.get().code()).isEqualTo(code);
        assertThat(r.get().reason()).startsWith(code + ": ");
    }

    @Test
    void transactionalMailNeedsNoUnsubscribeUrl() {
        Message m = with(Messages.valid("m-1"), "unsubscribe", null);
        Message transactional =
                new Message(
                        m.messageId(),
                        m.tenant(),
                        m.campaign(),
                        Priority.TRANSACTIONAL,
                        m.fromAddress(),
                        m.fromName(),
                        m.replyTo(),
                        m.recipient(),
                        m.recipientName(),
                        m.subject(),
                        m.headers(),
                        m.textBody(),
                        m.htmlBody(),
                        null,
                        m.ipPool(),
                        m.submittedAt(),
                        m.metadata());

        assertThat(validator.check(transactional)).isEmpty();
    }

    private static Arguments row(String code, UnaryOperator<Message> change) {
        return Arguments.of(code, change);
    }

    private static Message with(Message m, String field, String v) {
        return new Message(
                field.equals("id") ? v : m.messageId(),
                field.equals("tenant") ? v : m.tenant(),
                m.campaign(),
                m.priority(),
                field.equals("from") ? v : m.fromAddress(),
                field.equals("fromName") ? v : m.fromName(),
                m.replyTo(),
                field.equals("recipient") ? v : m.recipient(),
                m.recipientName(),
                field.equals("subject") ? v : m.subject(),
                m.headers(),
                m.textBody(),
                m.htmlBody(),
                field.equals("unsubscribe") ? v : m.unsubscribeUrl(),
                m.ipPool(),
                m.submittedAt(),
                m.metadata());
    }

    private static Message withHeader(Message m, String name, String value) {
        return new Message(
                m.messageId(),
                m.tenant(),
                m.campaign(),
                m.priority(),
                m.fromAddress(),
                m.fromName(),
                m.replyTo(),
                m.recipient(),
                m.recipientName(),
                m.subject(),
                Map.of(name, value),
                m.textBody(),
                m.htmlBody(),
                m.unsubscribeUrl(),
                m.ipPool(),
                m.submittedAt(),
                m.metadata());
    }

    private static Message withBodies(Message m, String text, String html) {
        return new Message(
                m.messageId(),
                m.tenant(),
                m.campaign(),
                m.priority(),
                m.fromAddress(),
                m.fromName(),
                m.replyTo(),
                m.recipient(),
                m.recipientName(),
                m.subject(),
                m.headers(),
                text,
                html,
                m.unsubscribeUrl(),
                m.ipPool(),
                m.submittedAt(),
                m.metadata());
    }
}
