package io.drover.cli;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.drover.testkit.SshFleet;
import io.drover.testkit.TestHost;
import java.io.File;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code drover lab}: a local fleet of throwaway SSH hosts to try drover on (the test kit from the command line). */
@Command(
        name = "lab",
        mixinStandardHelpOptions = true,
        description = {
            "A local fleet of throwaway SSH hosts to try drover on: real OpenSSH sshd processes (or embedded ones)",
            "on loopback addresses, with their own ssh_config, known_hosts and key. Hosts keep running after",
            "'lab up' returns, until 'lab down'."
        },
        subcommands = {LabCommand.Up.class, LabCommand.Down.class, LabCommand.Status.class},
        footerHeading = "%nExamples:%n",
        footer = {
            "  drover lab up                       # 4 hosts lab1..lab4 in the default directory",
            "  drover lab status",
            "  ssh -F ~/.local/state/drover/lab/ssh_config lab1 hostname",
            "  drover lab down"
        })
public final class LabCommand implements Callable<Integer> {
    /** The second octet of the lab's addresses: 127.0.1.1, 127.0.1.2, ... unless that block is taken. */
    static final int LAB_SECOND_OCTET = 0;
    static final String MARKER = ".drover-lab";
    static final String STATE = "fleet.properties";

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a lab command is required: up, down or status");
    }

    /** Where labs live by default: {@code $XDG_STATE_HOME/drover/lab}, else {@code ~/.local/state/drover/lab}. */
    static Path defaultDir() {
        String xdg = System.getenv("XDG_STATE_HOME");
        Path base = xdg != null && !xdg.isBlank() && Path.of(xdg).isAbsolute()
                ? Path.of(xdg)
                : Path.of(System.getProperty("user.home"), ".local", "state");
        return base.resolve("drover").resolve("lab");
    }

    /** The {@code --dir} option shared by the lab commands (a picocli mixin). */
    static final class DirOption {
        @Option(names = "--dir", paramLabel = "DIR",
                description = "The lab's directory (default: $XDG_STATE_HOME/drover/lab or ~/.local/state/drover/lab).")
        Path dir;

        /** The directory, absolute; bad input when it names a file. */
        Path resolve() {
            Path d = (dir != null ? dir : defaultDir()).toAbsolutePath().normalize();
            if (Files.exists(d) && !Files.isDirectory(d)) {
                throw new UsageException("--dir " + d + " is a file, not a directory");
            }
            return d;
        }

        boolean isDefault() {
            return dir == null;
        }
    }

    /** The lab in {@code dir}, if its state file exists. */
    static SshFleet attach(Path dir) {
        try {
            return SshFleet.attach(dir);
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage(), e);
        }
    }

    static boolean anyRunning(SshFleet fleet) {
        return fleet.hosts().stream().anyMatch(TestHost::isRunning);
    }

    /** An exclusive lock on the lab directory, so that two lab commands never work on one lab at once. */
    static FileLock lock(Path dir) {
        try {
            Files.createDirectories(dir);
            FileChannel channel = FileChannel.open(dir.resolve(MARKER), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null;
            }
            if (lock == null) {
                channel.close();
                throw new UsageException("another drover lab command is working on " + dir + " right now");
            }
            return lock;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot use lab directory " + dir + ": " + e.getMessage(), e);
        }
    }

    static void unlock(FileLock lock) {
        try {
            lock.release();
            lock.channel().close();
        } catch (IOException ignored) {
            // the channel closes with the process anyway
        }
    }

    /** Deletes everything in {@code dir} (not {@code dir} itself, nor the lock file). */
    static void wipe(Path dir) {
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                if (!p.equals(dir) && !p.equals(dir.resolve(MARKER))) {
                    Files.deleteIfExists(p);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot clear lab directory " + dir + ": " + e.getMessage(), e);
        }
    }

    static String dirFlag(DirOption dir, Path resolved) {
        return dir.isDefault() ? "" : " --dir " + resolved;
    }

    @Command(
            name = "up",
            mixinStandardHelpOptions = true,
            description = {
                "Starts a lab of N hosts named PREFIX1..PREFIXN and prints how to reach them. Real OpenSSH hosts",
                "(one sshd each, on 127.0.1.1, 127.0.1.2, ... when free; as root each host has its own hostname,",
                "home and /tmp), or with --embedded in-process Apache MINA SSHD servers in a JVM of their own",
                "(no sshd needed). The hosts keep running until 'drover lab down'.",
                "Exits 2 with nothing started on bad input: N out of range, DIR a file or a directory holding",
                "something else, a lab already running in DIR."
            },
            footerHeading = "%nExamples:%n",
            footer = {
                "  drover lab up",
                "  drover lab up -n 20 --prefix web --dir /tmp/lab",
                "  drover lab up --embedded        # no sshd on this machine"
            })
    static final class Up implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Option(names = {"-n", "--hosts"}, paramLabel = "N", defaultValue = "4",
                description = "How many hosts, 1 to " + SshFleet.MAX_HOSTS + " (default: ${DEFAULT-VALUE}).")
        int hosts;

        @Option(names = "--embedded", description = "Embedded (Apache MINA SSHD) hosts instead of OpenSSH sshd.")
        boolean embedded;

        @Option(names = "--prefix", paramLabel = "PREFIX", defaultValue = "lab",
                description = "Host names are PREFIX1..PREFIXN (default: ${DEFAULT-VALUE}).")
        String prefix;

        @CommandLine.Mixin
        DirOption dirOption;

        @Override
        public Integer call() throws Exception {
            if (hosts < 1 || hosts > SshFleet.MAX_HOSTS) {
                throw new UsageException("-n (" + hosts + ") must be between 1 and " + SshFleet.MAX_HOSTS);
            }
            if (!prefix.matches("[A-Za-z][A-Za-z0-9-]*")) {
                throw new UsageException("--prefix (" + prefix + ") must be a letter then letters, digits or '-'");
            }
            Path dir = dirOption.resolve();
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            boolean created = !Files.exists(dir);
            if (!created) {
                checkUsable(dir);
            }
            if (!embedded && !SshFleet.openSshAvailable()) {
                err.println("drover: no sshd on this machine (apt-get install openssh-server), or use: drover lab up --embedded");
                return ExitCodes.FAILED;
            }
            FileLock lock = lock(dir);
            try {
                if (Files.exists(dir.resolve(STATE))) {
                    SshFleet old = attach(dir);
                    if (anyRunning(old)) {
                        throw new UsageException("a lab is already running in " + dir + " (" + old.hosts().size()
                                + " hosts, " + old.hostSpec() + "); stop it first: drover lab down"
                                + dirFlag(dirOption, dir));
                    }
                    err.println("drover: replacing the stopped lab in " + dir);
                }
                wipe(dir);
                Instant start = Instant.now();
                SshFleet fleet;
                try {
                    fleet = embedded ? startEmbedded(dir) : SshFleet.builder()
                            .hosts(hosts)
                            .namePrefix(prefix)
                            .directory(dir)
                            .detached(true)
                            .preferredSecondOctet(LAB_SECOND_OCTET)
                            .readyTimeout(Duration.ofSeconds(60))
                            .start();
                } catch (RuntimeException e) {
                    wipe(dir);
                    err.println("drover: the lab did not start, nothing is left running: " + e.getMessage());
                    return ExitCodes.FAILED;
                }
                long ms = Duration.between(start, Instant.now()).toMillis();
                TestHost first = fleet.hosts().getFirst();
                TestHost last = fleet.hosts().getLast();
                Path config = fleet.sshConfig();
                out.printf("lab up: %d %s hosts %s in %.1f s (%s%s, port %d)%n", fleet.hosts().size(),
                        embedded ? "embedded" : "OpenSSH", fleet.hostSpec(), ms / 1000.0, first.address(),
                        fleet.hosts().size() > 1 ? " .. " + last.address() : "", first.port());
                out.println("  ssh_config: " + config);
                out.println("  hosts:      -F " + config + " -H '" + fleet.hostSpec() + "'");
                out.println("try:");
                out.println("  ssh -F " + config + " " + first.name() + " hostname");
                out.println("  drover run -F " + config + " -H '" + fleet.hostSpec() + "' -- uname -n");
                out.println("stop:");
                out.println("  drover lab down" + dirFlag(dirOption, dir));
                out.flush();
                return ExitCodes.OK;
            } finally {
                unlock(lock);
                if (created && isEmptyButMarker(dir)) {
                    wipe(dir);
                    Files.deleteIfExists(dir.resolve(MARKER));
                    Files.deleteIfExists(dir);
                }
            }
        }

        /** An existing DIR may be empty or an earlier lab's directory; anything else is not ours to clear. */
        private static void checkUsable(Path dir) throws IOException {
            if (Files.exists(dir.resolve(MARKER))) {
                return;
            }
            try (Stream<Path> entries = Files.list(dir)) {
                if (entries.findAny().isPresent()) {
                    throw new UsageException("--dir " + dir + " is not empty and holds no drover lab; "
                            + "give a new or empty directory");
                }
            }
        }

        private static boolean isEmptyButMarker(Path dir) throws IOException {
            if (!Files.isDirectory(dir)) {
                return false;
            }
            try (Stream<Path> entries = Files.list(dir)) {
                return entries.allMatch(p -> p.getFileName().toString().equals(MARKER));
            }
        }

        /**
         * Starts {@code EmbeddedLabMain} in a JVM of its own session (it outlives this one), logging to
         * {@code DIR/lab.log}, and waits until it has written the lab's state or died.
         */
        private SshFleet startEmbedded(Path dir) throws IOException, InterruptedException {
            String javaBin = ProcessHandle.current().info().command()
                    .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            List<String> classpath = new ArrayList<>();
            for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
                if (!entry.isEmpty()) {
                    classpath.add(Path.of(entry).toAbsolutePath().toString());
                }
            }
            List<String> command = new ArrayList<>();
            if (Files.isExecutable(Path.of("/usr/bin/setsid"))) {
                command.add("/usr/bin/setsid");
            }
            command.addAll(List.of(javaBin, "-XX:+UseSerialGC", "-cp", String.join(File.pathSeparator, classpath),
                    "io.drover.testkit.EmbeddedLabMain", dir.toString(), Integer.toString(hosts), prefix,
                    Integer.toString(LAB_SECOND_OCTET)));
            Path log = dir.resolve("lab.log");
            Process child = new ProcessBuilder(command)
                    .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .start();
            Duration patience = Duration.ofSeconds(120 + hosts / 10);
            Instant deadline = Instant.now().plus(patience);
            while (!Files.exists(dir.resolve(STATE))) {
                if (!child.isAlive()) {
                    throw new IllegalStateException("the embedded lab's JVM exited (" + child.exitValue() + "); "
                            + log + ":\n" + Files.readString(log, UTF_8));
                }
                if (Instant.now().isAfter(deadline)) {
                    child.destroyForcibly().waitFor();
                    throw new IllegalStateException("the embedded lab did not start within " + patience.toSeconds()
                            + " s; " + log + ":\n" + Files.readString(log, UTF_8));
                }
                Thread.sleep(50);
            }
            return SshFleet.attach(dir);
        }
    }

    @Command(
            name = "down",
            mixinStandardHelpOptions = true,
            description = {
                "Stops every host of the lab in DIR (and their commands) and removes its state file; keys, configs",
                "and logs stay for a look. Succeeds (exit 0) when there is no lab to stop."
            },
            footerHeading = "%nExamples:%n",
            footer = {"  drover lab down", "  drover lab down --dir /tmp/lab"})
    static final class Down implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @CommandLine.Mixin
        DirOption dirOption;

        @Override
        public Integer call() {
            Path dir = dirOption.resolve();
            PrintWriter out = spec.commandLine().getOut();
            if (!Files.exists(dir.resolve(STATE))) {
                out.println("lab down: no lab in " + dir + "; nothing to stop");
                out.flush();
                return ExitCodes.OK;
            }
            FileLock lock = lock(dir);
            try {
                SshFleet fleet = attach(dir);
                int running = (int) fleet.hosts().stream().filter(TestHost::isRunning).count();
                fleet.close();
                List<String> left = fleet.hosts().stream().filter(TestHost::isRunning).map(TestHost::name).toList();
                if (!left.isEmpty()) {
                    spec.commandLine().getErr().println("drover: still running after lab down: " + left);
                    return ExitCodes.FAILED;
                }
                out.printf("lab down: stopped %d of %d hosts (%s) in %s%n", running, fleet.hosts().size(),
                        fleet.hostSpec(), dir);
                out.flush();
                return ExitCodes.OK;
            } finally {
                unlock(lock);
            }
        }
    }

    @Command(
            name = "status",
            mixinStandardHelpOptions = true,
            description = {
                "Lists the hosts of the lab in DIR: name, address, and state (answers, not answering, stopped).",
                "Exits 0 when every host answers, 3 when some do not, 2 when there is no lab in DIR."
            },
            footerHeading = "%nExamples:%n",
            footer = {"  drover lab status", "  drover lab status --dir /tmp/lab"})
    static final class Status implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @CommandLine.Mixin
        DirOption dirOption;

        @Override
        public Integer call() throws InterruptedException {
            Path dir = dirOption.resolve();
            if (!Files.exists(dir.resolve(STATE))) {
                throw new UsageException("no lab in " + dir + " (start one with: drover lab up" + (dirOption.isDefault()
                        ? "" : " --dir " + dir) + ")");
            }
            SshFleet fleet = attach(dir);
            List<String> states = states(fleet.hosts());
            PrintWriter out = spec.commandLine().getOut();
            String kind = switch (fleet.hosts().getFirst().kind()) {
                case OPENSSH -> "OpenSSH";
                case EMBEDDED -> "embedded";
            };
            out.println("lab in " + dir + ": " + fleet.hosts().size() + " " + kind + " hosts; ssh -F " + fleet.sshConfig());
            int width = Math.max(4, fleet.names().stream().mapToInt(String::length).max().orElse(4));
            out.printf("%-" + width + "s  %-21s  %s%n", "NAME", "ADDRESS", "STATE");
            int answering = 0;
            for (int i = 0; i < states.size(); i++) {
                TestHost h = fleet.hosts().get(i);
                out.printf("%-" + width + "s  %-21s  %s%n", h.name(), h.address() + ":" + h.port(), states.get(i));
                answering += states.get(i).equals("answers") ? 1 : 0;
            }
            out.printf("%d of %d hosts answer%n", answering, states.size());
            out.flush();
            return answering == states.size() ? ExitCodes.OK : ExitCodes.UNREACHABLE;
        }

        /** Each host's state, checked 32 at a time. */
        private static List<String> states(List<TestHost> hosts) throws InterruptedException {
            Semaphore bound = new Semaphore(32);
            List<Future<String>> futures = new ArrayList<>();
            try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
                for (TestHost h : hosts) {
                    futures.add(pool.submit(() -> {
                        bound.acquire();
                        try {
                            return h.answers() ? "answers" : h.isRunning() ? "not answering (running)" : "stopped";
                        } finally {
                            bound.release();
                        }
                    }));
                }
            }
            List<String> states = new ArrayList<>();
            for (Future<String> f : futures) {
                try {
                    states.add(f.get());
                } catch (ExecutionException e) {
                    states.add("unknown (" + e.getCause() + ")");
                }
            }
            return states;
        }
    }
}
