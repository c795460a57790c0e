package io.drover.bench.jmh;

import io.drover.ssh.config.ConfigContext;
import io.drover.ssh.config.HostConfig;
import io.drover.ssh.config.SshConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * ssh_config handling for a 1,000-host fleet through drover-ssh's public API ({@link SshConfig}), against a config of
 * 1,000 {@code Host} blocks (one per host: HostName, User, Port, IdentityFile), two pattern blocks, four {@code Match}
 * blocks ({@code host}, {@code originalhost}, {@code user}, {@code localuser host}; no {@code exec}) and a final
 * {@code Host *} block with the fleet's defaults, loaded with {@code -o KexAlgorithms=curve25519-sha256} as the bench
 * runs do:
 *
 * <ul>
 *   <li>{@link #load}: {@link SshConfig#load}: reading and parsing the file, once per run;</li>
 *   <li>{@link #resolve}: {@link SshConfig#resolve} of one alias, the aliases {@code node-0001..node-1000} in turn:
 *       once per host per run. OpenSSH semantics make each resolution walk every block of the file.</li>
 * </ul>
 *
 * <p>Why it matters: a 1,000-host run resolves 1,000 aliases against the whole file before dialling, so resolution
 * cost is paid per host and grows with the size of the file; the W1 target leaves ~2.5 ms of controller CPU per host
 * for everything. Scores are microseconds per operation (one load, or one host's resolution). Forked with the
 * launcher's flags for {@code drover run} (C1 only).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {JvmFlags.SERIAL_GC, JvmFlags.C1_ONLY})
public class SshConfigResolution {
    static final int HOSTS = 1_000;

    private Path dir;
    private Path file;
    private ConfigContext context;
    private Map<String, String> options;
    private SshConfig config;
    private String[] aliases;
    private int next;

    @Setup
    public void setUp() throws IOException {
        dir = Files.createTempDirectory("drover-jmh-ssh-config");
        file = dir.resolve("config");
        List<String> lines = new ArrayList<>();
        lines.add("# 1,000 hosts, one block each, then patterns, Match blocks and defaults");
        aliases = new String[HOSTS];
        for (int i = 1; i <= HOSTS; i++) {
            String alias = String.format("node-%04d", i);
            aliases[i - 1] = alias;
            lines.add("Host " + alias);
            lines.add("  HostName 10.1." + (i / 250) + "." + (i % 250 + 1));
            lines.add("  User " + (i % 10 == 0 ? "postgres" : "deploy"));
            lines.add("  Port 22");
            lines.add("  IdentityFile ~/.ssh/id_ed25519");
            lines.add("");
        }
        lines.add("Host bastion bastion.example.com");
        lines.add("  HostName 192.0.2.10");
        lines.add("  ForwardAgent no");
        lines.add("Host *.dc2.example.com");
        lines.add("  ProxyJump bastion");
        lines.add("Match host 10.1.3.*");
        lines.add("  ServerAliveInterval 15");
        lines.add("Match originalhost node-09*,!node-099*");
        lines.add("  ConnectTimeout 5");
        lines.add("Match user postgres");
        lines.add("  IdentitiesOnly yes");
        lines.add("Match localuser root host 10.1.0.*");
        lines.add("  RequestTTY no");
        lines.add("Host *");
        lines.add("  UserKnownHostsFile ~/.ssh/known_hosts");
        lines.add("  StrictHostKeyChecking yes");
        lines.add("  BatchMode yes");
        lines.add("  ServerAliveInterval 30");
        lines.add("  ControlMaster no");
        lines.add("  LogLevel ERROR");
        Files.write(file, lines);
        context = ConfigContext.current().withHomeDir(dir).withIncludeHome(dir)
                .withSystemConfig(dir.resolve("no-system-config"));
        options = Map.of("KexAlgorithms", "curve25519-sha256");
        config = load();
        HostConfig first = config.resolve(aliases[0]);
        if (!first.hostName().equals("10.1.0.2")) {
            throw new IllegalStateException("node-0001 resolved to " + first.hostName());
        }
    }

    @TearDown
    public void tearDown() throws IOException {
        Files.deleteIfExists(file);
        Files.deleteIfExists(dir);
    }

    /** Reads and parses the 1,000-block file. */
    @Benchmark
    public SshConfig load() {
        return SshConfig.load(Optional.of(file), options, context);
    }

    /** Resolves the next of the 1,000 aliases. */
    @Benchmark
    public HostConfig resolve() {
        String alias = aliases[next];
        next = next + 1 == HOSTS ? 0 : next + 1;
        return config.resolve(alias);
    }
}
