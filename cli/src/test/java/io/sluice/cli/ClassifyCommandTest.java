package io.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine;

class ClassifyCommandTest {

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "550 5.1.1 The email account that you tried to reach does not exist. | google | userunknown\thard\tsuppress",
                "452 4.2.2 The email account that you tried to reach is over quota. | google | mailboxfull\tsoft\tretry",
                "550 5.7.26 Unauthenticated email from acme.example is not accepted due to domain's DMARC policy. | google | authfailure\tsoft\tfix-auth",
            })
    void printsReasonClassAndActionForOneReply(String reply, String site, String expected) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream original = System.out;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        int status;
        try {
            status =
                    new CommandLine(new Sluice())
                            .execute("classify", "--reply", reply, "--site", site);
        } finally {
            System.setOut(original);
        }

        assertThat(status).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8).strip()).isEqualTo(expected);
    }
}
