package io.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.local.KafkaBroker;
import io.sluice.local.TopicSetup;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code sluice suppress} against a real broker: an import of a CSV with a bad row, then add, check
 * and remove, as an operator would run them.
 */
class SuppressCommandITCase {

    @TempDir static Path home;
    private static KafkaBroker broker;

    @BeforeAll
    static void start() {
        broker = KafkaBroker.start(home.resolve("kafka"), 0, Duration.ofSeconds(90));
        TopicSetup.ensure(broker.bootstrapServers(), 4);
    }

    @AfterAll
    static void stop() {
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void anOperatorImportsAListChecksAddressesAndTakesOneOff() throws Exception {
        List<String> rows = new ArrayList<>();
        rows.add("address,reason,tenant");
        for (int i = 0; i < 20_000; i++) {
            rows.add("user" + i + "@Example.com,,");
        }
        rows.add("not-an-address,,");
        rows.add("Complainer@gmail.com,complaint,acme");
        Path csv = home.resolve("list.csv");
        Files.write(csv, rows);

        Run imported = sluice("suppress", "import", csv.toString());
        assertThat(imported.status()).as("a skipped row makes the exit status 3").isEqualTo(3);
        assertThat(imported.out()).startsWith("imported=20001 skipped=1 lines=20003");

        assertThat(sluice("suppress", "check", "USER123@example.com").out())
                .startsWith("user123@example.com\tsuppressed\tglobal\tunsubscribe\tsince ")
                .contains("source import:list.csv:125");
        assertThat(sluice("suppress", "check", "complainer@gmail.com").out())
                .isEqualTo("complainer@gmail.com\tnot suppressed\n");
        assertThat(sluice("suppress", "check", "--tenant", "acme", "complainer@gmail.com").out())
                .startsWith("complainer@gmail.com\tsuppressed\ttenant:acme\tcomplaint");

        assertThat(sluice("suppress", "add", "@Trap.example", "--reason", "spam-trap").out())
                .isEqualTo("suppressed\tglobal:@trap.example\n");
        assertThat(sluice("suppress", "check", "anyone@trap.example").out())
                .startsWith(
                        "anyone@trap.example\tsuppressed\tglobal domain trap.example\tspam-trap");

        assertThat(sluice("suppress", "remove", "user123@example.com").status()).isZero();
        assertThat(sluice("suppress", "check", "user123@example.com").out())
                .isEqualTo("user123@example.com\tnot suppressed\n");

        Run bad = sluice("suppress", "add", "nobody", "--reason", "manual");
        assertThat(bad.status()).isEqualTo(2);
    }

    private record Run(int status, String out) {}

    private static Run sluice(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.add("--bootstrap-servers");
        all.add(broker.bootstrapServers());
        PrintStream original = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        try {
            int status = new CommandLine(new Sluice()).execute(all.toArray(String[]::new));
            return new Run(status, out.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(original);
        }
    }
}
