package io.drover.ssh.internal.trust;

import io.drover.ssh.Prompter;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.List;
import java.util.Optional;

/** A hand-written prompter that answers from a script and records what it was asked. Thread-safe. */
final class ScriptedPrompter implements Prompter {
    private final Deque<String> answers;
    private final List<String> prompts = Collections.synchronizedList(new ArrayList<>());
    private final List<char[]> handedOut = Collections.synchronizedList(new ArrayList<>());

    ScriptedPrompter(String... answers) {
        this.answers = new ArrayDeque<>(List.of(answers));
    }

    @Override
    public synchronized Optional<char[]> ask(String prompt, boolean echo) {
        prompts.add(prompt);
        String a = answers.poll();
        if (a == null) {
            return Optional.empty();
        }
        char[] chars = a.toCharArray();
        handedOut.add(chars);
        return Optional.of(chars);
    }

    List<String> prompts() {
        return List.copyOf(prompts);
    }

    /** Whether every answer handed out was zeroed by its user. */
    boolean allAnswersZeroed() {
        synchronized (handedOut) {
            return handedOut.stream().allMatch(c -> new String(c).chars().allMatch(ch -> ch == 0));
        }
    }
}
