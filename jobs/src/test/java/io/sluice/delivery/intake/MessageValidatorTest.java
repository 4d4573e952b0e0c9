package io.sluice.delivery.intake;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.schema.SendRequest;
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
                row("invalid-message-id", b -> b.setMessageId("has space")),
                row("invalid-message-id", b -> b.setMessageId("a@b")),
                row("invalid-tenant", b -> b.setTenant("")),
                row("invalid-recipient", b -> b.setRecipient("nobody")),
                row("invalid-recipient", b -> b.setRecipient("x@localhost")),
                row("header-injection", b -> b.setRecipient("x@gmail.com\r\nBcc: y@gmail.com")),
                row("invalid-from", b -> b.setFromAddress("news at acme")),
                row("header-injection", b -> b.setSubject("Hi\nBcc: all@example.com")),
                row("header-injection", b -> b.setFromName("Acme\r\nX-Evil: 1")),
                row("header-injection", b -> b.setHeaders(Map.of("X-Tag", "a\rb"))),
                row("invalid-header-name", b -> b.setHeaders(Map.of("X Tag", "v"))),
                row("reserved-header", b -> b.setHeaders(Map.of("Message-ID", "<x@y>"))),
                row(
                        "reserved-header",
                        b -> b.setHeaders(Map.of("list-unsubscribe", "<https://x>"))),
                row("missing-body", b -> b.setTextBody(null).setHtmlBody(null)),
                row("too-large", b -> b.setTextBody("x".repeat(1024 * 1024 + 1)).setHtmlBody(null)),
                row("missing-unsubscribe-url", b -> b.setUnsubscribeUrl(null)),
                row("invalid-unsubscribe-url", b -> b.setUnsubscribeUrl("http://acme.example/u")),
                row("invalid-unsubscribe-url", b -> b.setUnsubscribeUrl("https://a.example/u>x")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("brokenRequests")
    void brokenRequestsAreRejectedWithTheRuleTheyBreak(
            String code, UnaryOperator<SendRequest.Builder> change) {
        Optional<Rejection> r = validator.check(Messages.with(Messages.valid("m-1"), change));

        assertThat(r).isPresent();
        assertThat(r.get().code()).isEqualTo(code);
        assertThat(r.get().reason()).startsWith(code + ": ");
    }

    @Test
    void transactionalMailNeedsNoUnsubscribeUrl() {
        Message transactional =
                Messages.with(
                        Messages.valid("m-1"),
                        b ->
                                b.setPriority(io.sluice.schema.Priority.TRANSACTIONAL)
                                        .setUnsubscribeUrl(null));

        assertThat(validator.check(transactional)).isEmpty();
    }

    private static Arguments row(String code, UnaryOperator<SendRequest.Builder> change) {
        return Arguments.of(code, change);
    }
}
