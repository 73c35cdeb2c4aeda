package dev.cachecompat.testing;

/** Hex dumps for failure messages. */
final class Hex {
  private Hex() {}

  static String of(byte[] b) {
    StringBuilder sb = new StringBuilder(b.length * 2 + 16).append("hex:");
    for (byte x : b) {
      sb.append(Character.forDigit((x >> 4) & 0xf, 16)).append(Character.forDigit(x & 0xf, 16));
    }
    return sb.toString();
  }
}
