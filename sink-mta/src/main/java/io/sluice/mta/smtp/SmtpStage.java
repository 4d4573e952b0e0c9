package io.sluice.mta.smtp;

/** How far an attempt got, in the order an SMTP session goes (RFC 5321 section 3). */
public enum SmtpStage {
    RESOLVE,
    CONNECT,
    GREETING,
    EHLO,
    STARTTLS,
    MAIL,
    RCPT,
    DATA,
    DATA_END,
    QUIT
}
