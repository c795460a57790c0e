package io.drover.ssh.internal.trust;

import java.nio.file.Path;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A separate drover-like process for the multi-process test: appends {@code prefix0..prefixN-1} to a known_hosts file
 * from one virtual thread per host. Creates {@code goFile.ready.<pid>} when its threads are waiting, starts when
 * {@code goFile} exists, and prints the number of lines it added. Args: file pubKeyFile prefix count goFile
 */
public final class AppendMain {
    private AppendMain() {}

    public static void main(String[] args) throws Exception {
        Path file = Path.of(args[0]);
        PublicKey key = Tools.publicKey(Path.of(args[1]));
        String prefix = args[2];
        int count = Integer.parseInt(args[3]);
        Path go = Path.of(args[4]);
        CountDownLatch start = new CountDownLatch(1);
        AtomicInteger added = new AtomicInteger();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String name = prefix + i;
            threads.add(Thread.ofVirtual().start(() -> {
                try {
                    start.await();
                    if (KnownHostsWriter.append(file, name, key, false) instanceof KnownHostsWriter.Outcome.Added) {
                        added.incrementAndGet();
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }));
        }
        java.nio.file.Files.createFile(Path.of(go + ".ready." + ProcessHandle.current().pid()));
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (!java.nio.file.Files.exists(go) && System.nanoTime() < deadline) {
            Thread.onSpinWait(); // the parent creates the file; spinning keeps the start within microseconds
        }
        start.countDown();
        for (Thread t : threads) {
            t.join();
        }
        System.out.println(added.get());
    }
}
