package io.drover.core.hosts;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/** One run of a {@link HostSpec}: collects included targets and exclusions, then applies them. */
final class Expansion {

    private static final int MAX_FILE_DEPTH = 16;
    private static final String STDIN = "<stdin>";

    private final HostSpec spec;
    private final LinkedHashSet<Target> included = new LinkedHashSet<>();
    private final Set<String> excludedNames = new HashSet<>();
    private final Map<String, List<SpecTerm>> excludedByName = new HashMap<>();
    private final List<SpecTerm> excludedPatterns = new ArrayList<>();
    private final Deque<Path> files = new ArrayDeque<>();
    private boolean readingStdin;

    Expansion(HostSpec spec) {
        this.spec = spec;
    }

    List<Target> result() {
        if (excludedNames.isEmpty() && excludedByName.isEmpty() && excludedPatterns.isEmpty()) {
            return List.copyOf(included);
        }
        List<Target> out = new ArrayList<>(included.size());
        for (Target t : included) {
            if (!excluded(t)) {
                out.add(t);
            }
        }
        return List.copyOf(out);
    }

    private boolean excluded(Target t) {
        if (excludedNames.contains(t.name())) {
            return true;
        }
        List<SpecTerm> byName = excludedByName.get(t.name());
        if (byName != null) {
            for (SpecTerm term : byName) {
                if (term.excludes(t)) {
                    return true;
                }
            }
        }
        for (SpecTerm term : excludedPatterns) {
            if (term.excludes(t)) {
                return true;
            }
        }
        return false;
    }

    void directSpec(String text, boolean exclude) {
        Where where = Where.spec(text);
        if (SpecParser.tokenize(text, false).isEmpty()) {
            throw where.fail(0, "the host spec is empty; give hosts like web1,web[2-5],alice@db1:2222 or @hosts.txt");
        }
        line(text, where, exclude, spec.baseDirectory());
    }

    /** Processes one spec string or host file line; {@code inExcluded} when it comes from an excluded file. */
    private void line(String text, Where where, boolean inExcluded, Path directory) {
        List<SpecParser.Token> tokens = SpecParser.tokenize(text, where.source() != null);
        for (int i = 0; i < tokens.size(); i++) {
            SpecParser.Token tok = tokens.get(i);
            String t = tok.text();
            int offset = tok.offset();
            boolean negated = false;
            if (t.equals("-x")) {
                if (i + 1 == tokens.size()) {
                    throw where.fail(offset, "-x must be followed by the hosts to exclude, e.g. -x web3 or -x web[1-2]");
                }
                tok = tokens.get(++i);
                t = tok.text();
                offset = tok.offset();
                negated = true;
            } else if (t.startsWith("!")) {
                t = t.substring(1);
                offset++;
                negated = true;
                if (t.isEmpty()) {
                    throw where.fail(offset - 1, "'!' must be followed by the hosts to exclude, e.g. !web3");
                }
            }
            if (negated && inExcluded) {
                throw where.fail(offset, "exclusion " + Names.quote(tok.text())
                        + " inside an exclusion (an excluded spec or host file); list plain hosts there");
            }
            boolean exclude = negated || inExcluded;
            if (t.startsWith("@")) {
                String path = t.substring(1);
                if (path.isEmpty()) {
                    throw where.fail(offset, "'@' must be followed by a host file path, or '-' for stdin");
                }
                if (path.equals("-")) {
                    stdin(exclude, where, offset);
                } else {
                    file(directory.resolve(path), exclude, where, offset);
                }
                continue;
            }
            SpecTerm term = SpecParser.parseTerm(t, where, offset);
            if (exclude) {
                addExclusion(term);
            } else {
                include(term);
            }
        }
    }

    private void addExclusion(SpecTerm term) {
        if (term.pattern().isLiteral()) {
            String name = term.pattern().literalText();
            if (term.user().isEmpty() && term.port().isEmpty()) {
                excludedNames.add(name);
            } else {
                excludedByName.computeIfAbsent(name, n -> new ArrayList<>()).add(term);
            }
        } else {
            excludedPatterns.add(term);
        }
    }

    private void include(SpecTerm term) {
        NamePattern pattern = term.pattern();
        int max = spec.maxHosts();
        if (pattern.isGlob()) {
            List<String> candidates = spec.sshConfigHosts();
            if (candidates.isEmpty()) {
                throw term.where().fail(term.offset(), "glob " + Names.quote(term.text())
                        + " matches ssh_config Host names, and none are known; list the hosts, or use a range "
                        + "like web[1-3]");
            }
            int matched = 0;
            for (String name : candidates) {
                if (pattern.matches(name)) {
                    matched++;
                    add(term, name, max);
                }
            }
            if (matched == 0) {
                String some = candidates.stream().limit(5).collect(Collectors.joining(", "));
                throw term.where().fail(term.offset(), "glob " + Names.quote(term.text()) + " matches none of the "
                        + candidates.size() + " ssh_config Host names (" + some + (candidates.size() > 5 ? ", ..." : "")
                        + ")");
            }
            return;
        }
        long count = pattern.count();
        if (count > max - (long) included.size()) {
            String n = count == Long.MAX_VALUE ? "more than " + Long.MAX_VALUE : String.format("%,d", count);
            throw term.where().fail(term.offset(), Names.quote(term.text()) + " expands to " + n + " hosts"
                    + (included.isEmpty() ? "" : String.format(" (after %,d already selected)", included.size()))
                    + String.format(", over the limit of %,d; narrow the ranges or split the run", max));
        }
        pattern.expand(name -> add(term, name, max));
    }

    private void add(SpecTerm term, String name, int max) {
        Target t;
        try {
            t = term.target(name);
        } catch (HostSpecException e) {
            throw term.where().fail(term.offset(), e.getMessage());
        }
        if (included.add(t) && included.size() > max) {
            throw term.where().fail(term.offset(), String.format(
                    "%s brings the selection over the limit of %,d hosts; narrow it", Names.quote(term.text()), max));
        }
    }

    void file(Path file, boolean exclude, Where from, int offset) {
        String shown = file.toString();
        Path real;
        try {
            real = file.toRealPath();
        } catch (NoSuchFileException e) {
            throw fail(from, offset, "host file " + shown + " does not exist");
        } catch (IOException | SecurityException e) {
            throw fail(from, offset, "cannot read host file " + shown + ": " + e);
        }
        if (files.contains(real)) {
            throw fail(from, offset, "host file " + shown + " includes itself (through "
                    + files.reversed().stream().map(Path::toString).collect(Collectors.joining(" -> ")) + ")");
        }
        if (files.size() >= MAX_FILE_DEPTH) {
            throw fail(from, offset, "host files nest more than " + MAX_FILE_DEPTH + " deep at " + shown);
        }
        if (Files.isDirectory(real)) {
            throw fail(from, offset, "host file " + shown + " is a directory; expected a file with one host per line");
        }
        files.push(real);
        int lineNo = 0;
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            for (String text = r.readLine(); text != null; text = r.readLine()) {
                lineNo++;
                line(text, Where.line(shown, lineNo, text), exclude, real.getParent());
            }
        } catch (CharacterCodingException e) {
            throw new HostSpecException(shown + ":" + (lineNo + 1) + ": host file is not UTF-8 text", e);
        } catch (IOException e) {
            throw fail(from, offset, "cannot read host file " + shown + ": " + e);
        } finally {
            files.pop();
        }
    }

    void stdin(boolean exclude, Where from, int offset) {
        if (readingStdin) {
            throw fail(from, offset, "'@-' inside stdin would read stdin again");
        }
        List<String> lines = spec.stdinLines();
        if (lines == null) {
            throw fail(from, offset, "hosts are to be read from stdin ('@-' or --stdin-hosts), but no stdin was given");
        }
        readingStdin = true;
        try {
            for (int i = 0; i < lines.size(); i++) {
                line(lines.get(i), Where.line(STDIN, i + 1, lines.get(i)), exclude, spec.baseDirectory());
            }
        } finally {
            readingStdin = false;
        }
    }

    private static HostSpecException fail(Where from, int offset, String problem) {
        return from == null ? new HostSpecException(problem) : from.fail(offset, problem);
    }
}
