package dev.graft.nn.checkpoint;

import java.io.IOException;

/** A file is not a valid safetensors file, or holds something graft cannot read; the message says what and where. */
public final class SafeTensorsFormatException extends IOException {

    private static final long serialVersionUID = 1L;

    /** @param message what was wrong and what was expected */
    public SafeTensorsFormatException(String message) {
        super(message);
    }
}
