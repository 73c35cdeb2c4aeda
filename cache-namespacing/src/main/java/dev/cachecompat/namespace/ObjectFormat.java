package dev.cachecompat.namespace;

/**
 * The seam where a structured-value format plugs in: pickles (pickle-codec) and canonical JSON (json-canonical).
 * Scalars that the Python clients put on the wire without pickling (bytes, text and integers on memcached,
 * integers on Redis) never reach it; see {@link Payloads}.
 */
interface ObjectFormat {
  /**
   * Encodes a value for the namespace's readers.
   *
   * @throws NamespaceException with code {@code unencodable-value} if the format cannot carry the value
   */
  byte[] encode(Namespace ns, Object value);

  /**
   * Validates and decodes a payload read from {@code source}, whose readers must be able to load it (a protocol 4
   * pickle in a namespace read by Python 2.7 is rejected). The value may then be re-encoded for another namespace.
   *
   * @throws NamespaceException with a payload code (never any other exception for bad input)
   */
  Object decode(Namespace source, byte[] payload);
}
