package io.drover.cli.output;

/**
 * ANSI colours, or none. Colours are used only when the stream is a terminal (or {@code --color=always}) and
 * {@code NO_COLOR} is unset (see https://no-color.org). Immutable.
 */
public final class Style {
    public static final Style PLAIN = new Style(false);
    public static final Style ANSI = new Style(true);

    private static final String RESET = "\033[0m";
    /** Host name colours: distinct, readable on dark and light backgrounds. */
    private static final String[] HOST_COLOURS = {"\033[36m", "\033[32m", "\033[35m", "\033[34m", "\033[33m",
        "\033[96m", "\033[92m", "\033[95m", "\033[94m", "\033[93m"};

    private final boolean on;

    private Style(boolean on) {
        this.on = on;
    }

    /** When to colour: {@code auto} colours terminals only. */
    public enum Mode {
        auto,
        always,
        never
    }

    /** The style for one stream: {@code mode}, whether it is a terminal, and whether {@code NO_COLOR} is set. */
    public static Style of(Mode mode, boolean terminal, boolean noColorSet) {
        return switch (mode) {
            case always -> ANSI;
            case never -> PLAIN;
            case auto -> terminal && !noColorSet ? ANSI : PLAIN;
        };
    }

    public boolean enabled() {
        return on;
    }

    /** {@code host} in its own stable colour (chosen from its name, so a host keeps its colour across runs). */
    public String host(String host) {
        if (!on) {
            return host;
        }
        return HOST_COLOURS[Math.floorMod(host.hashCode(), HOST_COLOURS.length)] + host + RESET;
    }

    public String red(String s) {
        return wrap("\033[31m", s);
    }

    public String boldRed(String s) {
        return wrap("\033[1;31m", s);
    }

    public String green(String s) {
        return wrap("\033[32m", s);
    }

    public String yellow(String s) {
        return wrap("\033[33m", s);
    }

    public String bold(String s) {
        return wrap("\033[1m", s);
    }

    public String dim(String s) {
        return wrap("\033[2m", s);
    }

    private String wrap(String code, String s) {
        return on ? code + s + RESET : s;
    }
}
