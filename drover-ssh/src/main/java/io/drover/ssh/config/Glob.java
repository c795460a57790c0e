package io.drover.ssh.config;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** glob(3) as OpenSSH's Include uses it: {@code * ? [...]} per path component, results sorted bytewise. */
final class Glob {
    private Glob() {}

    /** The existing paths matching an absolute pattern, sorted; empty when none match. */
    static List<Path> expand(String pattern) {
        String[] parts = pattern.split("/", -1);
        List<String> current = new ArrayList<>();
        current.add(pattern.startsWith("/") ? "/" : "");
        for (int i = 0; i < parts.length; i++) {
            String part = parts[i];
            if (part.isEmpty()) {
                continue;
            }
            boolean last = i == parts.length - 1 || allEmpty(parts, i + 1);
            List<String> next = new ArrayList<>();
            for (String base : current) {
                if (!hasMagic(part)) {
                    String candidate = join(base, unescape(part));
                    if (Files.exists(Path.of(candidate)) && (last || Files.isDirectory(Path.of(candidate)))) {
                        next.add(candidate);
                    }
                    continue;
                }
                Path dir = Path.of(base.isEmpty() ? "." : base);
                if (!Files.isDirectory(dir)) {
                    continue;
                }
                List<String> names = new ArrayList<>();
                try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
                    for (Path p : ds) {
                        String name = p.getFileName().toString();
                        if (name.startsWith(".") && !part.startsWith(".")) {
                            continue;
                        }
                        if (matches(name, 0, part, 0)) {
                            names.add(name);
                        }
                    }
                } catch (IOException e) {
                    continue;
                }
                names.sort(null);
                for (String name : names) {
                    String candidate = join(base, name);
                    if (last || Files.isDirectory(Path.of(candidate))) {
                        next.add(candidate);
                    }
                }
            }
            current = next;
        }
        List<Path> out = new ArrayList<>();
        for (String s : current) {
            if (!s.isEmpty()) {
                out.add(Path.of(s));
            }
        }
        out.sort((a, b) -> a.toString().compareTo(b.toString()));
        return out;
    }

    private static boolean allEmpty(String[] parts, int from) {
        for (int i = from; i < parts.length; i++) {
            if (!parts[i].isEmpty()) {
                return false;
            }
        }
        return true;
    }

    private static String join(String base, String name) {
        if (base.isEmpty()) {
            return name;
        }
        return base.endsWith("/") ? base + name : base + "/" + name;
    }

    static boolean hasMagic(String s) {
        return s.indexOf('*') >= 0 || s.indexOf('?') >= 0 || s.indexOf('[') >= 0;
    }

    private static String unescape(String s) {
        if (s.indexOf('\\') < 0) {
            return s;
        }
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && i + 1 < s.length()) {
                c = s.charAt(++i);
            }
            b.append(c);
        }
        return b.toString();
    }

    /** fnmatch-style matching of one name against one component pattern. */
    static boolean matches(String s, int si, String p, int pi) {
        while (pi < p.length()) {
            char c = p.charAt(pi);
            switch (c) {
                case '*' -> {
                    while (pi < p.length() && p.charAt(pi) == '*') {
                        pi++;
                    }
                    if (pi == p.length()) {
                        return true;
                    }
                    for (int k = si; k <= s.length(); k++) {
                        if (matches(s, k, p, pi)) {
                            return true;
                        }
                    }
                    return false;
                }
                case '?' -> {
                    if (si >= s.length()) {
                        return false;
                    }
                    si++;
                    pi++;
                }
                case '[' -> {
                    if (si >= s.length()) {
                        return false;
                    }
                    int end = p.indexOf(']', pi + 2);
                    if (end < 0) {
                        if (s.charAt(si) != '[') {
                            return false;
                        }
                        si++;
                        pi++;
                        break;
                    }
                    String set = p.substring(pi + 1, end);
                    boolean negate = !set.isEmpty() && (set.charAt(0) == '!' || set.charAt(0) == '^');
                    if (negate) {
                        set = set.substring(1);
                    }
                    char ch = s.charAt(si);
                    boolean found = false;
                    for (int k = 0; k < set.length(); k++) {
                        if (k + 2 < set.length() && set.charAt(k + 1) == '-') {
                            if (ch >= set.charAt(k) && ch <= set.charAt(k + 2)) {
                                found = true;
                            }
                            k += 2;
                        } else if (set.charAt(k) == ch) {
                            found = true;
                        }
                    }
                    if (found == negate) {
                        return false;
                    }
                    si++;
                    pi = end + 1;
                }
                case '\\' -> {
                    if (pi + 1 < p.length()) {
                        pi++;
                    }
                    if (si >= s.length() || s.charAt(si) != p.charAt(pi)) {
                        return false;
                    }
                    si++;
                    pi++;
                }
                default -> {
                    if (si >= s.length() || s.charAt(si) != c) {
                        return false;
                    }
                    si++;
                    pi++;
                }
            }
        }
        return si == s.length();
    }
}
