package dev.cachecompat.pickle;

/** How the tests reach the decoder: through the public, inspecting entry point. */
final class GoldenHook {
  private GoldenHook() {}

  static Object decode(PickleDecoder decoder, byte[] pickle) {
    return decoder.decode(pickle);
  }
}
