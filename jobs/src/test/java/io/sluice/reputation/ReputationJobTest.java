package io.sluice.reputation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.delivery.DeliveryJob;
import io.sluice.delivery.DeliveryOptions;
import io.sluice.feedback.FeedbackJob;
import java.time.Clock;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.java.typeutils.GenericTypeInfo;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.runtime.jobgraph.JobGraph;
import org.apache.flink.runtime.jobgraph.JobVertex;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.Test;

/** The job's graph as it would be submitted: types, operators and settings checked at build. */
class ReputationJobTest {

    @Test
    void buildsWithoutKryoAndWithStableOperatorNames() {
        assertThat(TypeInformation.of(Signal.class)).isNotInstanceOf(GenericTypeInfo.class);
        assertThat(TypeInformation.of(Decision.class)).isNotInstanceOf(GenericTypeInfo.class);

        Configuration conf = new Configuration();
        conf.setString("sluice.reputation.new-ips", "192.0.2.7;192.0.2.8");
        conf.setString("sluice.reputation.dnsbl-zones", "zen.spamhaus.org");
        conf.setString(
                "sluice.sending-ips", "shared/192.0.2.7/a.example;other/192.0.2.7/a.example");
        StreamExecutionEnvironment env = DeliveryJob.environment(conf);
        ReputationJob.build(env, conf, ReputationJob.kafka(conf), Clock.systemUTC());

        JobGraph graph = env.getStreamGraph().getJobGraph();
        assertThat(graph.getVertices())
                .extracting(JobVertex::getName)
                .anySatisfy(n -> assertThat(n).contains("reputation"))
                .anySatisfy(n -> assertThat(n).contains("DNSBL listings"));
        assertThat(ReputationOptions.sendingAddresses(conf)).containsExactly("192.0.2.7");
        assertThat(ReputationOptions.warmupSeeds(conf))
                .extracting(Signal::entity)
                .containsExactly(
                        "ip:192.0.2.7",
                        "ip:192.0.2.7@google",
                        "ip:192.0.2.7@yahoo",
                        "ip:192.0.2.7@microsoft",
                        "ip:192.0.2.8",
                        "ip:192.0.2.8@google",
                        "ip:192.0.2.8@yahoo",
                        "ip:192.0.2.8@microsoft");
    }

    @Test
    void buildsIntoOneGraphWithTheDeliveryAndFeedbackJobs() {
        // The local stack runs all three in one Flink job; a uid used twice fails the graph.
        Configuration conf = new Configuration();
        StreamExecutionEnvironment env = DeliveryJob.environment(conf);
        DeliveryJob.build(env, conf, DeliveryJob.kafka(conf), Clock.systemUTC());
        FeedbackJob.build(
                env, FeedbackJob.kafka(conf), Clock.systemUTC(), DeliveryOptions.verpKeys(conf));
        ReputationJob.build(env, conf, ReputationJob.kafka(conf), Clock.systemUTC());

        JobGraph graph = env.getStreamGraph().getJobGraph();
        assertThat(graph.getVertices())
                .extracting(JobVertex::getName)
                .anySatisfy(n -> assertThat(n).contains("reputation"))
                .anySatisfy(n -> assertThat(n).contains("site scheduler"))
                // No new IPs: no warm-up source (fromData of nothing fails its task).
                .noneSatisfy(n -> assertThat(n).contains("new IPs to warm up"))
                .noneSatisfy(n -> assertThat(n).contains("DNSBL"));
    }

    @Test
    void aBadSettingFailsTheBuildWithWhatWasExpected() {
        Configuration conf = new Configuration();
        conf.setString("sluice.reputation.new-ips", "mail.example.com");
        assertThatThrownBy(() -> ReputationOptions.warmupSeeds(conf))
                .hasMessageContaining("expected a literal IPv4 or IPv6 address");
        conf.setString("sluice.reputation.warmup-plan-file", "/nonexistent/plan");
        assertThatThrownBy(() -> ReputationOptions.policy(conf))
                .hasMessageStartingWith("warm-up plan /nonexistent/plan cannot be read");
    }
}
