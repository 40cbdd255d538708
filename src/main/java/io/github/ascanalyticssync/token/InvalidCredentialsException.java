package io.github.ascanalyticssync.token;

/** A configuration problem with the App Store Connect credentials; the message names the setting and never a secret. */
public class InvalidCredentialsException extends IllegalStateException {

    public InvalidCredentialsException(String message) {
        super(message);
    }
}
