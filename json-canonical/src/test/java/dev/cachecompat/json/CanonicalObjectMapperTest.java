package dev.cachecompat.json;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.ToStringSerializer;
import java.io.ByteArrayOutputStream;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CanonicalObjectMapperTest {
  /** A POJO whose fields Jackson writes in declaration order, not sorted. */
  public static final class Profile {
    public String zone = "eu";
    public double score = 1e16;
    public String name = "Zo\u00eb";
    public List<Integer> tags = List.of(3, 1);
  }

  @Test
  void writeValueAsBytesIsPythonsSortedJson() throws Exception {
    ObjectMapper mapper = CanonicalJson.python().objectMapper();
    assertEquals("{\"name\": \"Zo\\u00eb\", \"score\": 1e+16, \"tags\": [3, 1], \"zone\": \"eu\"}",
        mapper.writeValueAsString(new Profile()));
    assertArrayEquals(CanonicalJson.python().writeBytes(new Profile()), mapper.writeValueAsBytes(new Profile()));
  }

  @Test
  void everyWriteValueFormAgrees() throws Exception {
    ObjectMapper mapper = CanonicalJson.rfc8785().objectMapper();
    Map<String, Object> v = new LinkedHashMap<>();
    v.put("b", -0.0);
    v.put("a", 100.0);
    String expected = "{\"a\":100,\"b\":0}";
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    mapper.writeValue(out, v);
    StringWriter w = new StringWriter();
    mapper.writeValue(w, v);
    assertEquals(expected, out.toString(StandardCharsets.UTF_8));
    assertEquals(expected, w.toString());
    assertEquals(expected, mapper.copy().writeValueAsString(v));
  }

  @Test
  void modulesRegisteredOnTheMapperBindPojos() throws Exception {
    ObjectMapper mapper = CanonicalJson.python().toBuilder().compact(true).build().objectMapper();
    mapper.registerModule(new SimpleModule().addSerializer(Double.class, ToStringSerializer.instance)
        .addSerializer(double.class, ToStringSerializer.instance));
    assertEquals("{\"name\":\"Zo\\u00eb\",\"score\":\"1.0E16\",\"tags\":[3,1],\"zone\":\"eu\"}",
        mapper.writeValueAsString(new Profile()));
  }

  @Test
  void valuesWithoutACanonicalFormThrowOurException() {
    ObjectMapper mapper = CanonicalJson.rfc8785().objectMapper();
    JsonCanonicalException e = assertThrows(JsonCanonicalException.class,
        () -> mapper.writeValueAsString(Map.of("x", Double.NaN)));
    assertEquals("non-finite-number", e.code());
  }
}
