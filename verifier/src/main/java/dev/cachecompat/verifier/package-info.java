/**
 * The {@code ./cachecompat} command line. {@link dev.cachecompat.verifier.Main} wires the commands; each command
 * is a class named for it ({@code InspectCommand}, {@code DecodeCommand}, ...). Commands print one JSON line per
 * input (or a table for people), never a stack trace, keep going after a bad input, and exit 0 when everything is
 * clean, 1 on findings, 2 on usage or I/O errors.
 */
package dev.cachecompat.verifier;
