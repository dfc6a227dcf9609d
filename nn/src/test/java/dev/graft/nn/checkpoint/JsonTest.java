package dev.graft.nn.checkpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonTest {

    @Test
    void parsesEveryKindOfValue() {
        Object v = Json.parse(" {\"a\": [1, -2.5e1, true, false, null], \"s\": \"q\\\"\\\\\\n\\u00e9/\", \"e\": {}} ");
        Map<?, ?> m = (Map<?, ?>) v;
        assertEquals(List.of(1L, -25.0, true, false), ((List<?>) m.get("a")).subList(0, 4));
        assertEquals(null, ((List<?>) m.get("a")).get(4));
        assertEquals("q\"\\\n\u00e9/", m.get("s"));
        assertEquals(Map.of(), m.get("e"));
    }

    @Test
    void writeThenParseRoundTrips() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name\t\"x\"", List.of(0L, 12345678901L, 0.5));
        m.put("nested", Map.of("k", "v\u0001"));
        assertEquals(m, Json.parse(Json.write(m)));
    }

    @Test
    void rejectsMalformedInputNamingTheOffset() {
        var e = assertThrows(IllegalArgumentException.class, () -> Json.parse("{\"a\": 1} x"));
        assertTrue(e.getMessage().contains("offset 9") && e.getMessage().contains("end of input"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Json.parse("{\"a\": 1, \"a\": 2}"));
        assertTrue(e.getMessage().contains("\"a\" appears twice"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Json.parse("{\"a\" 1}"));
        assertThrows(IllegalArgumentException.class, () -> Json.parse("[1, 2"));
        assertThrows(IllegalArgumentException.class, () -> Json.parse("\"unterminated"));
        assertThrows(IllegalArgumentException.class, () -> Json.parse("-"));
        e = assertThrows(IllegalArgumentException.class, () -> Json.parse("[".repeat(100) + "]".repeat(100)));
        assertTrue(e.getMessage().contains("nesting"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Json.write(Double.NaN));
    }
}
