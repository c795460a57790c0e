package io.drover.core;

/**
 * Work to do on one host; a {@link Group} runs it on each of its hosts concurrently. Whatever it throws fails
 * that host only ({@link io.drover.api.HostResult.Failed}); a {@link CommandFailedException} keeps its exit
 * status and stderr tail. Tasks are stopped by interrupting their thread (and killing their remote commands), so
 * a task that waits on something of its own should let {@link InterruptedException} propagate.
 *
 * @param <T> what the task returns for a host ({@link Void} when it runs for its effect)
 */
@FunctionalInterface
public interface Task<T> {
    T run(HostSession host) throws Exception;
}
