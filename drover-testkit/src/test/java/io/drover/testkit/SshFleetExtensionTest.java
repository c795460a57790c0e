package io.drover.testkit;

import static io.drover.testkit.Processes.mentioning;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Event;

/**
 * Runs sample test classes (nested here, not picked up by the build on their own) through the JUnit engine and checks
 * what {@link SshHosts} did to them.
 */
class SshFleetExtensionTest {
    /** Fleets the samples saw, in order: checked to be stopped once the samples ran. */
    static final List<SshFleet> seen = new CopyOnWriteArrayList<>();

    static EngineExecutionResults run(Class<?> sample) {
        seen.clear();
        return EngineTestKit.engine("junit-jupiter").selectors(selectClass(sample)).execute();
    }

    static void assertAllStopped() {
        assertThat(seen).isNotEmpty();
        for (SshFleet fleet : seen) {
            Path dir = fleet.directory();
            assertThat(dir).doesNotExist();
            assertThat(mentioning(dir.toString())).isEmpty();
            assertThat(fleet.hosts()).noneMatch(TestHost::answers);
        }
    }

    @SshHosts(count = 2, prefix = "cls")
    static class ClassAndMethodFleets {
        static SshFleet fromBeforeAll;
        final SshFleet fromConstructor;

        ClassAndMethodFleets(SshFleet fleet) {
            this.fromConstructor = fleet;
        }

        @BeforeAll
        static void beforeAll(SshFleet fleet) {
            fromBeforeAll = fleet;
            seen.add(fleet);
        }

        @Test
        void classFleetIsInjectedEverywhere(SshFleet fleet) throws Exception {
            assertThat(fleet).isSameAs(fromBeforeAll).isSameAs(fromConstructor);
            assertThat(fleet.names()).containsExactly("cls1", "cls2");
            assertThat(Ssh.run(fleet, "cls2", "echo ok").stdout()).isEqualTo("ok\n");
        }

        @Test
        @SshHosts(count = 1, prefix = "own", kind = HostKind.EMBEDDED)
        void methodFleetReplacesTheClassFleetForThatTest(SshFleet fleet) throws Exception {
            seen.add(fleet);
            assertThat(fleet).isNotSameAs(fromBeforeAll);
            assertThat(fleet.names()).containsExactly("own1");
            assertThat(fleet.host("own1").kind()).isEqualTo(HostKind.EMBEDDED);
            assertThat(Ssh.run(fleet, "own1", "echo ok").stdout()).isEqualTo("ok\n");
            assertThat(fromBeforeAll.host("cls1").answers()).isTrue();
        }
    }

    @Test
    void classAndMethodFleetsAreStartedInjectedAndStopped() {
        assumeTrue(SshFleet.openSshAvailable(), "sshd not installed");
        run(ClassAndMethodFleets.class).testEvents().assertStatistics(s -> s.started(2).succeeded(2));
        assertThat(seen).hasSize(2);
        assertAllStopped();
    }

    static class FieldFleets {
        @SshHosts(count = 1, prefix = "shared", kind = HostKind.EMBEDDED)
        static SshFleet shared;

        @SshHosts(count = 1, prefix = "mine", kind = HostKind.EMBEDDED)
        SshFleet mine;

        static final List<SshFleet> shares = new CopyOnWriteArrayList<>();

        @BeforeEach
        void record() {
            seen.add(mine);
            shares.add(shared);
        }

        @Test
        void one() {
            assertThat(mine.host("mine1").answers()).isTrue();
        }

        @Test
        void two() {
            assertThat(shared.host("shared1").answers()).isTrue();
        }
    }

    @Test
    void aStaticFieldGetsOneFleetForTheClassAndAnInstanceFieldOnePerTest() {
        FieldFleets.shares.clear();
        run(FieldFleets.class).testEvents().assertStatistics(s -> s.started(2).succeeded(2));
        assertThat(seen).hasSize(2).doesNotHaveDuplicates();
        assertThat(FieldFleets.shares).hasSize(2).containsOnly(FieldFleets.shares.getFirst());
        seen.add(FieldFleets.shares.getFirst());
        assertAllStopped();
    }

    @SshHosts(count = 1, prefix = "broken", kind = HostKind.EMBEDDED)
    static class FailingSample {
        @Test
        void fails(SshFleet fleet) throws Exception {
            seen.add(fleet);
            assertThat(Ssh.run(fleet, "broken1", "echo leaves a trace in the log").code()).isZero();
            throw new AssertionError("the deployment went wrong");
        }

        @AfterEach
        void stillRunning(SshFleet fleet) {
            assertThat(fleet.host("broken1").answers()).as("fleets stop after @AfterEach").isTrue();
        }
    }

    @Test
    void aFailedTestDumpsEveryHostsLogToStandardError() {
        PrintStream original = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        EngineExecutionResults results;
        try {
            results = run(FailingSample.class);
        } finally {
            System.setErr(original);
        }
        results.testEvents().assertStatistics(s -> s.started(1).failed(1));
        String err = captured.toString(StandardCharsets.UTF_8);
        assertThat(err)
                .contains("===== drover-testkit: test fails(SshFleet) failed; logs of the fleet in "
                        + seen.getFirst().directory())
                .contains("===== broken1(")
                .contains("Accepted publickey for " + System.getProperty("user.name"))
                .contains("Starting session: command 'echo leaves a trace in the log'");
        assertAllStopped();
    }

    @SshHosts(count = 1)
    static class NeedsSshd {
        @Test
        void neverRuns() {
            throw new AssertionError("must be skipped");
        }
    }

    @Test
    void openSshFleetsAreSkippedWithAReasonWhenSshdIsMissing() {
        String before = System.getProperty(OpenSshHost.SSHD_PROPERTY);
        System.setProperty(OpenSshHost.SSHD_PROPERTY, "/nonexistent/sshd");
        EngineExecutionResults results;
        try {
            results = run(NeedsSshd.class);
        } finally {
            if (before == null) {
                System.clearProperty(OpenSshHost.SSHD_PROPERTY);
            } else {
                System.setProperty(OpenSshHost.SSHD_PROPERTY, before);
            }
        }
        results.testEvents().assertStatistics(s -> s.started(0).failed(0));
        List<Event> aborted = results.containerEvents().aborted().list();
        assertThat(aborted).hasSize(1);
        assertThat(aborted.getFirst().getPayload(org.junit.platform.engine.TestExecutionResult.class).orElseThrow()
                .getThrowable().orElseThrow().getMessage())
                .contains("openssh-server").contains("HostKind.EMBEDDED");
    }
}
