package io.drover.cli.output;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The hosts of a run in their given order, with each host's line prefixes built once ({@code "web1  | "} and
 * {@code "web1  ! "}, padded to the longest name, coloured by the style) so rendering a line copies characters and
 * allocates nothing. Thread-safe.
 */
public final class HostTable {
    private final List<String> hosts;
    private final Map<String, Integer> index;
    private final Map<String, Prefix> prefixes = new ConcurrentHashMap<>();
    private final int width;
    private final Style style;

    /** The two prefixes of one host. */
    public record Prefix(char[] out, char[] err) {}

    public HostTable(List<String> hosts, Style style) {
        this.hosts = List.copyOf(hosts);
        this.style = style;
        this.index = new HashMap<>(hosts.size() * 2);
        int w = 0;
        for (int i = 0; i < this.hosts.size(); i++) {
            index.putIfAbsent(this.hosts.get(i), i);
            w = Math.max(w, this.hosts.get(i).length());
        }
        this.width = w;
    }

    public List<String> hosts() {
        return hosts;
    }

    public int size() {
        return hosts.size();
    }

    /** The host's position in the run, or -1 for a name that is not one of its hosts. */
    public int indexOf(String host) {
        Integer i = index.get(host);
        return i == null ? -1 : i;
    }

    /** The host's prefixes, built on first use. */
    public Prefix prefix(String host) {
        Prefix p = prefixes.get(host);
        return p != null ? p : prefixes.computeIfAbsent(host, this::build);
    }

    private Prefix build(String host) {
        String pad = " ".repeat(Math.max(0, width - host.length()));
        String name = style.host(host) + pad;
        return new Prefix((name + " | ").toCharArray(), (name + " " + style.red("!") + " ").toCharArray());
    }
}
