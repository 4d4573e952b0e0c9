package io.sluice.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real single-node KRaft Kafka broker (broker and controller in one process) in a child JVM, with
 * its data in a folder that is kept between runs: formatted the first time, reused after. The child
 * runs on this JVM's classpath, which holds kafka_2.13 of the same version as the clients. Logs go
 * to {@code <dir>/broker.log}.
 */
public final class KafkaBroker implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(KafkaBroker.class);

    private final Process process;
    private final String bootstrapServers;

    private KafkaBroker(Process process, String bootstrapServers) {
        this.process = process;
        this.bootstrapServers = bootstrapServers;
    }

    /**
     * Starts the broker on {@code 127.0.0.1:port} (0 picks a free port) and waits until it answers.
     */
    public static KafkaBroker start(Path dir, int port, Duration readyTimeout) {
        try {
            Files.createDirectories(dir);
            int brokerPort = port == 0 ? freePort() : port;
            int controllerPort = freePort();
            Path config = dir.resolve("server.properties");
            Path data = dir.resolve("data");
            Files.writeString(config, serverProperties(brokerPort, controllerPort, data));
            Path log4j = dir.resolve("log4j2.properties");
            Files.writeString(log4j, logConfig(dir.resolve("broker.log")));
            if (!Files.exists(data.resolve("meta.properties"))) {
                String clusterId = clusterId();
                run(
                        dir,
                        log4j,
                        List.of(
                                "kafka.tools.StorageTool",
                                "format",
                                "-t",
                                clusterId,
                                "-c",
                                config.toString()));
            }
            Process p = java(dir, log4j, List.of("kafka.Kafka", config.toString())).start();
            KafkaBroker broker = new KafkaBroker(p, "127.0.0.1:" + brokerPort);
            broker.awaitReady(readyTimeout, dir);
            return broker;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the Kafka broker in " + dir, e);
        }
    }

    public String bootstrapServers() {
        return bootstrapServers;
    }

    private void awaitReady(Duration timeout, Path dir) {
        Instant deadline = Instant.now().plus(timeout);
        Exception last = null;
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new IllegalStateException(
                        "the Kafka broker exited with status "
                                + process.exitValue()
                                + "; see "
                                + dir.resolve("broker.log"));
            }
            try (Admin admin =
                    Admin.create(
                            Map.of(
                                    AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                                    AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 2000,
                                    AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 2000))) {
                admin.describeCluster().nodes().get(2, TimeUnit.SECONDS);
                return;
            } catch (Exception e) {
                last = e;
            }
        }
        close();
        throw new IllegalStateException(
                "the Kafka broker did not answer within "
                        + timeout
                        + "; see "
                        + dir.resolve("broker.log"),
                last);
    }

    private static String serverProperties(int brokerPort, int controllerPort, Path data) {
        return String.join(
                "\n",
                "process.roles=broker,controller",
                "node.id=1",
                "controller.quorum.voters=1@127.0.0.1:" + controllerPort,
                "listeners=PLAINTEXT://127.0.0.1:"
                        + brokerPort
                        + ",CONTROLLER://127.0.0.1:"
                        + controllerPort,
                "advertised.listeners=PLAINTEXT://127.0.0.1:" + brokerPort,
                "controller.listener.names=CONTROLLER",
                "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
                "inter.broker.listener.name=PLAINTEXT",
                "log.dirs=" + data.toAbsolutePath(),
                "num.partitions=4",
                "auto.create.topics.enable=false",
                "offsets.topic.replication.factor=1",
                "offsets.topic.num.partitions=4",
                "transaction.state.log.replication.factor=1",
                "transaction.state.log.min.isr=1",
                "transaction.state.log.num.partitions=4",
                "share.coordinator.state.topic.replication.factor=1",
                "share.coordinator.state.topic.min.isr=1",
                "group.initial.rebalance.delay.ms=0",
                "log.retention.hours=168",
                "log.segment.bytes=67108864",
                "");
    }

    private static String logConfig(Path logFile) {
        return String.join(
                "\n",
                "rootLogger.level = INFO",
                "rootLogger.appenderRef.file.ref = file",
                "appender.file.type = File",
                "appender.file.name = file",
                "appender.file.fileName = " + logFile.toAbsolutePath(),
                "appender.file.layout.type = PatternLayout",
                "appender.file.layout.pattern = [%d] %p %m (%c)%n",
                "logger.kafka.name = kafka",
                "logger.kafka.level = WARN",
                "logger.apache.name = org.apache.kafka",
                "logger.apache.level = WARN",
                "");
    }

    private static void run(Path dir, Path log4j, List<String> args) throws IOException {
        Process p = java(dir, log4j, args).start();
        try {
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                p.destroyForcibly();
                throw new IllegalStateException(
                        String.join(" ", args)
                                + " failed; see "
                                + dir.resolve("broker.log")
                                + ", which ends:\n"
                                + tail(dir.resolve("broker.log"), 15));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
            throw new IllegalStateException("interrupted while formatting Kafka storage", e);
        }
    }

    private static ProcessBuilder java(Path dir, Path log4j, List<String> args) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xms256m");
        command.add("-Xmx768m");
        command.add("-XX:+UseG1GC");
        command.add("-Dlog4j2.configurationFile=" + log4j.toAbsolutePath());
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.addAll(args);
        return new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(
                        ProcessBuilder.Redirect.appendTo(dir.resolve("broker.out").toFile()));
    }

    /**
     * A KRaft cluster id: 16 random bytes, URL-safe base64 without padding, as Kafka's own {@code
     * Uuid.randomUuid()} makes them, never starting with '-': StorageTool's argument parser takes
     * "-t -Q4X..." for an unknown option, which failed one local start in 64.
     */
    private static String clusterId() {
        return org.apache.kafka.common.Uuid.randomUuid().toString();
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress("127.0.0.1", 0));
            return s.getLocalPort();
        }
    }

    @Override
    public void close() {
        if (!process.isAlive()) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                LOG.warn("the Kafka broker did not stop within 30 s; killing it");
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }

    /** The last {@code lines} lines of a log, for an error message that survives a temp dir. */
    private static String tail(Path log, int lines) {
        try {
            List<String> all = java.nio.file.Files.readAllLines(log);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(unreadable: " + e.getMessage() + ")";
        }
    }
}
