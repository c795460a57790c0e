package io.drover.core.hosts;

/**
 * Bad host input: a host spec, a host file or an Ansible inventory that cannot be read or understood, or a
 * spec that would expand to too many hosts. The message names the offending value, where it was found
 * ({@code file:line}, or the column inside a spec) and what would be valid; it is fit to show to a user as is.
 */
public final class HostSpecException extends IllegalArgumentException {

    public HostSpecException(String message) {
        super(message);
    }

    public HostSpecException(String message, Throwable cause) {
        super(message, cause);
    }
}
