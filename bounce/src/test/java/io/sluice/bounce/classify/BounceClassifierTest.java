package io.sluice.bounce.classify;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class BounceClassifierTest {

    private static final BounceClassifier CLASSIFIER = BounceClassifier.fromClasspath();

    /** Verbatim provider replies from REFERENCE.md, with what each must mean. */
    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource(
            delimiter = '|',
            textBlock =
                    """
            google    | 421 4.7.28 Our system has detected an unusual rate of unsolicited mail originating from your IP address. To protect our users from spam, mail sent from your IP address has been temporarily rate limited. | speeding      | SOFT | THROTTLE
            google    | 550 5.7.26 Unauthenticated email from domain-name is not accepted due to domain's DMARC policy.                                                                                                         | authfailure   | SOFT | FIX_AUTH
            google    | 550 5.1.1 The email account that you tried to reach does not exist.                                                                                                                                      | userunknown   | HARD | SUPPRESS
            google    | 452 4.2.2 The email account that you tried to reach is over quota.                                                                                                                                      | mailboxfull   | SOFT | RETRY
            yahoo     | 421 4.7.0 [TSS04] Messages from 192.0.2.1 temporarily deferred due to unexpected volume or user complaints                                                                                              | badreputation | SOFT | PAUSE
            yahoo     | 421 4.7.0 [TSS01] Messages from 192.0.2.1 temporarily deferred due to too many connections                                                                                                              | toomanyconn   | SOFT | THROTTLE
            yahoo     | 421 4.7.0 [TSS09] All messages from 192.0.2.1 will be permanently deferred; Retrying will NOT succeed. See https://senders.yahooinc.com/error-codes                                               | blocked       | SOFT | PAUSE
            microsoft | 550 5.7.1 Unfortunately, messages from [192.0.2.1] weren't sent. Please contact your Internet service provider since part of their network is on our block list (S3150).                            | blocked       | SOFT | PAUSE
            microsoft | 550 5.7.515 Access denied, sending domain [example.com] does not meet the required authentication level.                                                                                              | authfailure   | SOFT | FIX_AUTH
            microsoft | 451 4.7.500 Server busy. Please try again later from [192.0.2.1]. (AS761)                                                                                                                               | speeding      | SOFT | THROTTLE
            ''        | 452 4.5.3 Too many recipients                                                                                                                                                                            | toomanyconn   | SOFT | RETRY
            ''        | 550 5.1.1 <a@example.com>: Recipient address rejected: User unknown in virtual mailbox table                                                                                                          | userunknown   | HARD | SUPPRESS
            ''        | 550 5.2.2 Mailbox full                                                                                                                                                                                   | mailboxfull   | SOFT | RETRY
            ''        | 556 5.1.10 Recipient address has null MX                                                                                                                                                                 | notaccept     | HARD | SUPPRESS
            ''        | 554 5.7.1 Service unavailable; Client host [192.0.2.1] blocked using zen.spamhaus.org                                                                                                                   | blocked       | SOFT | PAUSE
            ''        | 450 4.1.1 <a@example.com>: Recipient address rejected: unverified address: User unknown                                                                                                                | userunknown   | SOFT | RETRY
            ''        | 451 4.7.1 Greylisted, please try again later.                                                                                                                                                            | toomanyconn   | SOFT | RETRY
            ''        | 450 4.7.1 <a@example.com>: Recipient address rejected: Greylisted, see https://postgrey.schweikert.ch/                                                                                                   | toomanyconn   | SOFT | RETRY
            ''        | 250 2.0.0 OK                                                                                                                                                                                             | delivered     | NONE | NONE
            """)
    void providerReplies(
            String site,
            String reply,
            String reason,
            BounceClass bounceClass,
            BounceAction action) {
        Classification c = CLASSIFIER.classify(SmtpReply.parse(reply), site);

        assertThat(c.reason().id()).as("reason (rule %s)", c.rule()).isEqualTo(reason);
        assertThat(c.bounceClass()).isEqualTo(bounceClass);
        assertThat(c.action()).isEqualTo(action);
    }

    /**
     * "User unknown" is evidence the address is gone only in reply to RCPT (RFC 5321 section 3.3)
     * or with an X.1.x status; after DATA, or when nobody says which command failed, it may be a
     * filter, and suppressing on it would drop a live customer.
     */
    @ParameterizedTest(name = "{0} {1}")
    @CsvSource(
            delimiter = '|',
            textBlock =
                    """
            RCPT    | 550 <a@example.jp>: User unknown       | userunknown | HARD
            DATA    | 550 <a@example.jp>: User unknown       | filtered    | SOFT
            UNKNOWN | 550 <a@example.jp>: User unknown       | filtered    | SOFT
            UNKNOWN | 550 5.1.1 <a@example.jp>: User unknown | userunknown | HARD
            DATA    | 550 5.1.1 <a@example.jp>: User unknown | userunknown | HARD
            MAIL    | 550 <s@example.org>: User unknown      | rejected    | SOFT
            RCPT    | 450 <a@example.jp>: User unknown       | userunknown | SOFT
            """)
    void userUnknownDependsOnTheCommandItAnswered(
            SmtpCommand command, String reply, String reason, BounceClass bounceClass) {
        Classification c = CLASSIFIER.classify(SmtpReply.parse(reply).withCommand(command));

        assertThat(c.reason().id()).as("reason (rule %s)", c.rule()).isEqualTo(reason);
        assertThat(c.bounceClass()).isEqualTo(bounceClass);
    }

    @ParameterizedTest(name = "{1}")
    @CsvSource(
            delimiter = '|',
            textBlock =
                    """
            RCPT    | host mx.example.jp said: 550 User unknown (in reply to RCPT TO command)
            DATA    | host mx.example.jp said: 554 rejected (in reply to end of DATA command)
            RCPT    | SMTP error from remote mail server after RCPT TO:<a@example.jp>: 550 no such user
            DATA    | SMTP error from remote mail server after end of data: 554 5.7.0 Header error
            CONNECT | SMTP error from remote mail server after initial connection: 554 go away
            MAIL    | SMTP error from remote mail server after MAIL FROM:<s@example.org> SIZE=1543: 550
            RCPT    | >>> RCPT To:<a@example.jp> <<< 550 5.1.1 User unknown
            DATA    | >>> RCPT To:<a@example.jp> <<< 250 ok >>> DATA <<< 554 Message refused
            RCPT    | 192.0.2.1 does not like recipient. Remote host said: 550 no mailbox here
            MAIL    | Connected to 192.0.2.1 but sender was rejected. Remote host said: 553 denied
            UNKNOWN | 550 5.1.1 The email account that you tried to reach does not exist.
            UNKNOWN | Please retry the mail from your client after 5 minutes
            UNKNOWN | RCPT TO: a@example.jp
            """)
    void findsTheCommandABounceNames(SmtpCommand expected, String text) {
        assertThat(SmtpCommand.find(text)).isEqualTo(expected);
    }

    @Test
    void siteRulesComeBeforeGenericOnes() {
        SmtpReply reply = SmtpReply.parse("421 4.7.0 [TSS04] Messages temporarily deferred");

        assertThat(CLASSIFIER.classify(reply, "yahoo").rule()).startsWith("yahoo.rules:");
        assertThat(CLASSIFIER.classify(reply, "").rule()).startsWith("generic.rules:");
    }

    @Test
    void aTransientReplyIsNeverHardWhateverItsText() {
        Classification c = CLASSIFIER.classify(SmtpReply.parse("450 4.1.1 User unknown"));

        assertThat(c.reason()).isEqualTo(Reason.USERUNKNOWN);
        assertThat(c.bounceClass()).isEqualTo(BounceClass.SOFT);
        assertThat(c.action()).isEqualTo(BounceAction.RETRY);
    }

    @Test
    void notAcceptIsHardOnlyWhenPermanent() {
        assertThat(
                        CLASSIFIER
                                .classify(
                                        SmtpReply.parse(
                                                "550 5.3.2 This domain does not accept mail"))
                                .isHard())
                .isTrue();
        assertThat(
                        CLASSIFIER
                                .classify(SmtpReply.parse("421 4.3.2 Does not accept mail now"))
                                .isHard())
                .isFalse();
    }

    @Test
    void readsCodeAndStatusFromAReplyLine() {
        SmtpReply reply = SmtpReply.parse("550-5.7.26 Unauthenticated email");

        assertThat(reply.code()).isEqualTo(550);
        assertThat(reply.status()).isEqualTo("5.7.26");
    }
}
