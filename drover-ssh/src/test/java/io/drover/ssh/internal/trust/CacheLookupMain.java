package io.drover.ssh.internal.trust;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * A separate drover-like process for the multi-process cache test: loads a known_hosts file with the cache in a
 * directory (every file cached, however small), looks up each name, prints {@code name [line, ...]} per name, and
 * exits without flushing: the cache is written by the exit hook, as in drover. Args: file cacheDir names...
 */
public final class CacheLookupMain {
    private CacheLookupMain() {}

    public static void main(String[] args) {
        KnownHostsCache cache = KnownHostsCache.in(Path.of(args[1]), 1);
        KnownHosts knownHosts = KnownHosts.load(List.of(Path.of(args[0])), Optional.of(cache));
        StringBuilder out = new StringBuilder();
        for (String name : List.of(args).subList(2, args.length)) {
            out.append(name).append(' ')
                    .append(knownHosts.matching(name).stream().map(KnownHostsEntry::line).toList())
                    .append('\n');
        }
        System.out.print(out);
    }
}
