package io.drover.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.drover.api.DroverEvent;
import io.drover.api.HostResult;
import io.drover.api.RunReport;
import io.drover.ssh.Ssh;
import io.drover.testkit.SshFleet;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Hosts that are down, at connect time or between runs, on real OpenSSH hosts of their own. */
class UnreachableTest {
    private static SshFleet fleet;

    @BeforeAll
    static void start() {
        fleet = Fleets.start(4, "u");
    }

    @AfterAll
    static void stop() {
        if (fleet != null) {
            fleet.close();
        }
    }

    @BeforeEach
    void everyHostUp() {
        fleet.hosts().stream().filter(h -> !h.answers()).forEach(h -> h.start());
    }

    @Test
    void aKilledHostIsUnreachableWhileTheOthersSucceed() {
        fleet.host("u2").kill();
        RecordingListener events = new RecordingListener();
        try (Ssh ssh = Ssh.builder().configFile(fleet.sshConfig()).build();
                Group g = Group.builder(ssh).hosts(fleet.names()).listener(events).connect()) {
            assertThat(g.unreachable()).containsOnlyKeys("u2");
            RunReport<String> report = g.run("hostname", host -> host.output("hostname").strip());
            assertThat(report.results().get(1)).isInstanceOfSatisfying(HostResult.Unreachable.class,
                    u -> assertThat(u.reason()).isEqualTo(g.unreachable().get("u2")).isNotBlank());
            assertThat(report.values()).containsOnlyKeys("u1", "u3", "u4");
        }
        assertThat(events.of(DroverEvent.DialEnded.class)).filteredOn(e -> e.error().isPresent())
                .extracting(DroverEvent::host).containsExactly("u2");
        assertThat(events.of(DroverEvent.TaskStarted.class)).extracting(DroverEvent::host)
                .containsExactlyInAnyOrder("u1", "u3", "u4");
    }

    @Test
    void failFastRefusesTheGroupNamingTheHostThatCouldNotBeReached() {
        fleet.host("u3").kill();
        try (Ssh ssh = Ssh.builder().configFile(fleet.sshConfig()).build()) {
            assertThatThrownBy(() -> Group.builder(ssh).hosts(fleet.names()).dialConcurrency(1)
                    .dialPolicy(Group.DialPolicy.FAIL_FAST).connect())
                    .isInstanceOf(DroverException.class)
                    .hasMessageStartingWith("cannot reach 1 of 4 hosts: u3 (");
        }
    }

    @Test
    void aConnectionLostBetweenRunsIsDialedAgainWhenTheHostIsBack() {
        try (Ssh ssh = Ssh.builder().configFile(fleet.sshConfig()).build();
                Group g = Group.builder(ssh).hosts(fleet.names()).connect()) {
            assertThat(g.run("before", host -> host.output("hostname")).allOk()).isTrue();
            fleet.host("u4").kill();
            RunReport<String> down = g.run("while down", host -> host.output("hostname"));
            assertThat(down.results().get(3)).isNotInstanceOf(HostResult.Ok.class);
            assertThat(down.results().subList(0, 3)).allSatisfy(r -> assertThat(r.isOk()).isTrue());
            fleet.host("u4").start();
            RunReport<String> back = g.run("after", host -> host.output("hostname").strip());
            assertThat(back.values()).containsEntry("u4", "u4").hasSize(4);
        }
    }

    @Test
    void hostsGivenTwiceAreRefused() {
        try (Ssh ssh = Ssh.builder().configFile(fleet.sshConfig()).build()) {
            assertThatThrownBy(() -> Group.builder(ssh).hosts(List.of("u1", "u2", "u1")))
                    .hasMessage("host u1 is in the group twice");
        }
    }
}
