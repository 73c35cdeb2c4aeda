package dev.cachecompat.json;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;

/**
 * An {@link ObjectMapper} whose {@code writeValue*} methods write canonical JSON in a {@link CanonicalJson}'s
 * style, binding POJOs with this mapper's own configuration, modules and annotations. Reading is Jackson's.
 *
 * <p>Made by {@link CanonicalJson#objectMapper()}.
 */
final class CanonicalObjectMapper extends ObjectMapper {
  private static final long serialVersionUID = 1L;

  private final transient CanonicalJson canonical;

  CanonicalObjectMapper(CanonicalJson style) {
    super();
    this.canonical = style.toBuilder().objectMapper(new ObjectMapper(getFactory())).build();
  }

  private CanonicalObjectMapper(CanonicalObjectMapper src) {
    super(src);
    this.canonical = src.canonical.toBuilder().objectMapper(new ObjectMapper(getFactory())).build();
  }

  /** The style with POJOs bound by this mapper, so modules registered on it apply. */
  private CanonicalJson bound() {
    return canonical.toBuilder().objectMapper(this).build();
  }

  @Override
  public ObjectMapper copy() {
    _checkInvalidCopy(CanonicalObjectMapper.class);
    return new CanonicalObjectMapper(this);
  }

  @Override
  public byte[] writeValueAsBytes(Object value) {
    return bound().writeBytes(value);
  }

  @Override
  public String writeValueAsString(Object value) {
    return bound().writeString(value);
  }

  @Override
  public void writeValue(OutputStream out, Object value) throws IOException {
    bound().write(value, out);
  }

  @Override
  public void writeValue(Writer w, Object value) throws IOException {
    w.write(bound().writeString(value));
  }

  @Override
  public void writeValue(File file, Object value) throws IOException {
    Files.write(file.toPath(), bound().writeBytes(value));
  }

  @Override
  public void writeValue(JsonGenerator g, Object value) throws IOException {
    g.writeRawValue(new String(bound().writeBytes(value), StandardCharsets.UTF_8));
  }
}
