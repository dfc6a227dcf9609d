package dev.graft.transfer.text;

/** Which end of a token sequence truncation cuts from, or padding adds to. */
public enum Side {
    /** The start: truncation keeps the last tokens, padding goes before the text. */
    LEFT,
    /** The end: truncation keeps the first tokens, padding goes after the text. */
    RIGHT
}
