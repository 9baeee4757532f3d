package io.patternkit.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.patternkit.core.SidecarConfig;
import io.patternkit.testing.Sidecar;
import io.patternkit.testing.SidecarProcess;
import io.patternkit.workqueue.Enqueue;
import io.patternkit.workqueue.WorkQueue;
import io.patternkit.workqueue.WorkQueueClient;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * {@link Sidecar} fields: a static one is one real process for the class, an instance one a fresh process per test,
 * closed after it.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SidecarExtensionIT {
    @Sidecar(patterns = "workqueue")
    static SidecarProcess shared;

    @Sidecar(patterns = "workqueue", args = {"--default-max-attempts", "2"})
    SidecarProcess own;

    private static SidecarProcess firstTestsOwn;
    private static long sharedPid;

    @Test
    @Order(1)
    void bothFieldsHoldStartedSidecars() {
        assertThat(shared.isAlive()).isTrue();
        assertThat(own.isAlive()).isTrue();
        assertThat(own.baseUrl()).isNotEqualTo(shared.baseUrl());
        try (WorkQueueClient client = WorkQueueClient.create(SidecarConfig.builder().baseUrl(own.baseUrl()).build())) {
            WorkQueue queue = client.queue("extension");
            queue.enqueue(Enqueue.json("{}"));
            assertThat(queue.stats().ready()).isEqualTo(1);
            assertThat(queue.claim(1, java.time.Duration.ofSeconds(30), java.time.Duration.ZERO))
                    .singleElement().satisfies(item -> assertThat(item.maxAttempts()).as("the args reached it")
                            .isEqualTo(2));
        }
        firstTestsOwn = own;
        sharedPid = shared.pid();
    }

    @Test
    @Order(2)
    void anInstanceFieldGetsAFreshProcessPerTestAndTheStaticOneStays() {
        assertThat(firstTestsOwn.isAlive()).as("closed after its test").isFalse();
        assertThat(own).isNotSameAs(firstTestsOwn);
        assertThat(own.isAlive()).isTrue();
        assertThat(shared.pid()).isEqualTo(sharedPid);
    }
}
