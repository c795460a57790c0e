package io.drover.api;

/** Which output stream of a remote command a line or chunk came from. */
public enum Stream {
    STDOUT,
    STDERR
}
