package io.drover.ssh.internal.trust;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KnownHostsWriterConcurrencyTest {
    @TempDir
    static Path keys;

    @TempDir
    Path dir;

    static Path pub;
    static PublicKey key;

    @BeforeAll
    static void generate() throws Exception {
        pub = Path.of(Tools.keygen(keys.resolve("k"), "ed25519", 0, "") + ".pub");
        key = Tools.publicKey(pub);
    }

    /** Runs {@code groups} groups of virtual threads, each appending every host once, all released together. */
    private static Map<Class<?>, Integer> appendConcurrently(Path file, List<String> hosts, int groups, boolean hash)
            throws InterruptedException {
        CountDownLatch ready = new CountDownLatch(1);
        Map<Class<?>, Integer> outcomes = new ConcurrentHashMap<>();
        List<Thread> threads = new ArrayList<>();
        for (int g = 0; g < groups; g++) {
            for (String host : hosts) {
                threads.add(Thread.ofVirtual().start(() -> {
                    try {
                        ready.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                    KnownHostsWriter.Outcome o = KnownHostsWriter.append(file, host, key, hash);
                    outcomes.merge(o.getClass(), 1, Integer::sum);
                }));
            }
        }
        ready.countDown();
        for (Thread t : threads) {
            assertThat(t.join(java.time.Duration.ofSeconds(120))).isTrue();
        }
        return outcomes;
    }

    private static List<String> hosts(String prefix, int n) {
        List<String> hosts = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            hosts.add(prefix + i + ".example.com");
        }
        return hosts;
    }

    private static Map<String, Long> linesPerHost(Path file) throws IOException {
        return Files.readAllLines(file).stream()
                .map(l -> l.split(" ")[0])
                .collect(Collectors.groupingBy(h -> h, Collectors.counting()));
    }

    @Test
    void thousandHostsAcceptedAtOnceByTwoThreadGroupsGiveExactlyOneLinePerHost() throws Exception {
        Path file = dir.resolve("known_hosts");
        List<String> hosts = hosts("h", 1000);
        Map<Class<?>, Integer> outcomes = appendConcurrently(file, hosts, 2, false);
        assertThat(outcomes).containsOnly(
                Map.entry(KnownHostsWriter.Outcome.Added.class, 1000),
                Map.entry(KnownHostsWriter.Outcome.AlreadyListed.class, 1000));
        Map<String, Long> perHost = linesPerHost(file);
        assertThat(perHost).hasSize(1000).allSatisfy((h, n) -> assertThat(n).as(h).isEqualTo(1L));
        assertThat(perHost.keySet()).containsExactlyInAnyOrderElementsOf(hosts);
        KnownHosts kh = KnownHosts.load(List.of(file));
        assertThat(kh.problems()).isEmpty();
        assertThat(kh.entries()).extracting(KnownHostsEntry::line)
                .containsExactlyElementsOf(java.util.stream.IntStream.rangeClosed(1, 1000).boxed().toList());
        for (String h : List.of("h0.example.com", "h517.example.com", "h999.example.com")) {
            assertThat(Tools.ok("ssh-keygen", "-F", h, "-f", file.toString()).lines()
                            .filter(l -> l.startsWith("# Host")))
                    .hasSize(1);
        }
    }

    @Test
    void hashedNamesAreDeduplicatedToo() throws Exception {
        Path file = dir.resolve("known_hosts");
        List<String> hosts = hosts("x", 200);
        appendConcurrently(file, hosts, 2, true);
        KnownHosts kh = KnownHosts.load(List.of(file));
        assertThat(kh.entries()).hasSize(200).allSatisfy(e -> assertThat(e.hashed()).isTrue());
        for (String h : hosts) {
            assertThat(kh.matching(h)).hasSize(1);
        }
    }

    private static long readyChildren(Path go) throws IOException {
        try (var files = Files.list(go.getParent())) {
            return files.filter(f -> f.getFileName().toString().startsWith("go.ready.")).count();
        }
    }

    @Test
    void severalProcessesAppendingTheSameHostsAtOnceGiveExactlyOneLinePerHost() throws Exception {
        Path file = dir.resolve("known_hosts");
        Path go = dir.resolve("go");
        String java = ProcessHandle.current().info().command().orElse("java");
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<Process> children = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            ProcessBuilder pb = new ProcessBuilder(java, "-cp", cp, AppendMain.class.getName(), file.toString(),
                    pub.toString(), "shared", "300", go.toString());
            pb.redirectError(dir.resolve("child" + i + ".err").toFile());
            children.add(pb.start());
        }
        List<String> shared = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            shared.add("shared" + i);
        }
        // wait until every child has its threads parked on the start signal, then release everyone together
        // generous: JVMs start slowly on a loaded 2-core machine; a child that died fails at once with its stderr
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
        while (readyChildren(go) < children.size() && System.nanoTime() < deadline) {
            for (int i = 0; i < children.size(); i++) {
                if (!children.get(i).isAlive()) {
                    throw new AssertionError("child " + i + " exited with " + children.get(i).exitValue() + ":\n"
                            + Files.readString(dir.resolve("child" + i + ".err")));
                }
            }
            Thread.sleep(10); // polling files the children create; there is no other cross-process signal
        }
        assertThat(readyChildren(go)).as("children ready within 180 s").isEqualTo(children.size());
        Files.createFile(go);
        Map<Class<?>, Integer> mine = appendConcurrently(file, shared, 1, false);
        int addedByChildren = 0;
        for (Process p : children) {
            assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
            assertThat(p.exitValue()).isZero();
            addedByChildren += Integer.parseInt(new String(p.getInputStream().readAllBytes()).strip());
        }
        int addedHere = mine.getOrDefault(KnownHostsWriter.Outcome.Added.class, 0);
        System.out.println("added here " + addedHere + ", by the other processes " + addedByChildren);
        assertThat(addedHere + addedByChildren).isEqualTo(300);
        Map<String, Long> perHost = linesPerHost(file);
        assertThat(perHost).hasSize(300).allSatisfy((h, n) -> assertThat(n).as(h).isEqualTo(1L));
        assertThat(KnownHosts.load(List.of(file)).problems()).isEmpty();
        Map<String, Long> expected = new HashMap<>();
        shared.forEach(h -> expected.put(h, 1L));
        assertThat(perHost).isEqualTo(expected);
    }
}
