package io.drover.testkit;

import static io.drover.testkit.Processes.matching;
import static io.drover.testkit.Processes.mentioning;
import static io.drover.testkit.Processes.waitUntil;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** A JVM killed with SIGKILL while its fleet runs leaves no host and no host's command behind. */
class NothingLeftRunningTest {

    @ParameterizedTest
    @EnumSource(HostKind.class)
    void killingTheJvmWithSigkillTakesItsHostsAndTheirSessionsDown(HostKind kind) throws Exception {
        if (kind == HostKind.OPENSSH) {
            assumeTrue(SshFleet.openSshAvailable(), "sshd not installed");
        }
        String java = ProcessHandle.current().info().command().orElseThrow();
        Process child = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                FleetChild.class.getName(), kind.name())
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        Path dir = null;
        Process session = null;
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), UTF_8));
            String ready = CompletableFuture.supplyAsync(() -> {
                try {
                    return out.readLine();
                } catch (java.io.IOException e) {
                    return null;
                }
            }).get(180, TimeUnit.SECONDS);
            assertThat(ready).startsWith("READY ");
            dir = Path.of(ready.substring("READY ".length()));
            assertThat(mentioning(dir.toString())).as("the hosts (or their reaper) run with the fleet dir").isNotEmpty();

            String marker = "sleep 6007";
            String remote = "^\\d+ \\S*" + marker + "$";
            session = new ProcessBuilder("ssh", "-F", dir.resolve("ssh_config").toString(), "orphan2", marker)
                    .redirectErrorStream(true).start();
            waitUntil(() -> !matching(remote).isEmpty());

            child.destroyForcibly();
            assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();

            Path fleetDir = dir;
            waitUntil(() -> mentioning(fleetDir.toString()).isEmpty() && matching(remote).isEmpty(), 60);
            assertThat(session.waitFor(60, TimeUnit.SECONDS)).as("the ssh client saw its host go").isTrue();
            assertThat(List.of(dir.resolve("ssh_config"))).allMatch(p -> p.toFile().exists());
        } finally {
            child.destroyForcibly();
            if (session != null) {
                session.destroyForcibly();
            }
            if (dir != null) {
                SshFleet.deleteTree(dir);
            }
        }
    }
}
