package io.drover.core;

/** A failure of drover's engine or one of its actions. Unchecked; subclasses carry details. */
public class DroverException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public DroverException(String message) {
        super(message);
    }

    public DroverException(String message, Throwable cause) {
        super(message, cause);
    }
}
