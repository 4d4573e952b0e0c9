package io.sluice.delivery.send;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ConnectionShareTest {

    @ParameterizedTest(name = "{0} connections over {1} tasks: {2} each")
    @CsvSource({"5, 2, 2", "10, 2, 5", "5, 1, 5", "10, 4, 2", "2, 2, 1", "1, 2, 1", "5, 0, 5"})
    void theTasksTogetherStayWithinTheSitesConnectionLimit(
            int connections, int subtasks, int expected) {
        int share = SmtpDeliveryFunction.connectionShare(connections, subtasks);
        assertThat(share).isEqualTo(expected);
        if (connections >= subtasks && subtasks > 0) {
            assertThat(share * subtasks).isLessThanOrEqualTo(connections);
        }
    }
}
