package dev.cachecompat.pickle;

import dev.cachecompat.core.Checks;
import java.util.Arrays;

/**
 * A Python {@code bytearray}, distinct from {@code bytes} (which decodes to {@code byte[]}). Holds its own copy.
 *
 * <p>Immutable; equal to another bytearray with the same bytes.
 */
public final class PyByteArray {
  private final byte[] bytes;

  private PyByteArray(byte[] bytes) {
    this.bytes = bytes;
  }

  /**
   * A bytearray holding a copy of {@code bytes}.
   *
   * @param bytes the content
   * @return the bytearray
   */
  public static PyByteArray copyOf(byte[] bytes) {
    Checks.requireNonNull(bytes, "bytes");
    return new PyByteArray(bytes.clone());
  }

  /**
   * The content.
   *
   * @return a fresh copy of the bytes
   */
  public byte[] toByteArray() {
    return bytes.clone();
  }

  /**
   * The number of bytes.
   *
   * @return the length
   */
  public int length() {
    return bytes.length;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof PyByteArray && Arrays.equals(bytes, ((PyByteArray) o).bytes);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(bytes);
  }

  @Override
  public String toString() {
    return "bytearray(" + bytes.length + " bytes)";
  }
}
