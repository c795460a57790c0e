package io.drover.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class CancellationTest {

    @Test
    void theFirstReasonWinsAndCallbacksRunOnce() {
        Cancellation c = Cancellation.create();
        List<String> seen = new ArrayList<>();
        c.onCancel(seen::add);
        assertThat(c.isCancelled()).isFalse();
        c.cancel("first");
        c.cancel("second");
        assertThat(c.reason()).contains("first");
        assertThat(seen).containsExactly("first");
    }

    @Test
    void aCallbackRegisteredAfterCancellingRunsAtOnceAndAnUnregisteredOneNever() {
        Cancellation c = Cancellation.create();
        List<String> seen = new ArrayList<>();
        Runnable undo = c.onCancel(r -> seen.add("removed " + r));
        undo.run();
        c.cancel("stop");
        c.onCancel(r -> seen.add("late " + r));
        assertThat(seen).containsExactly("late stop");
    }
}
