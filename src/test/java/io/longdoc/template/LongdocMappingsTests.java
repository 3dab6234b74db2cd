package io.longdoc.template;

import org.elasticsearch.cluster.metadata.ComponentTemplate;
import org.elasticsearch.common.xcontent.XContentHelper;
import org.elasticsearch.xcontent.XContentType;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

class LongdocMappingsTests {

    @Test
    @SuppressWarnings("unchecked")
    void theResourceParsesIntoTheProcessorsLayoutWithTheBundledModelsDims() {
        ComponentTemplate template = LongdocMappings.template();
        assertEquals(1L, template.version());
        assertEquals("longdoc", template.metadata().get("managed_by"));
        Map<String, Object> mappings = XContentHelper.convertToMap(template.template().mappings().uncompressed(), true, XContentType.JSON).v2();
        Map<String, Object> doc = (Map<String, Object>) mappings.getOrDefault("_doc", mappings);
        Map<String, Object> longdoc = (Map<String, Object>) ((Map<String, Object>) ((Map<String, Object>) doc.get("properties")).get("longdoc")).get("properties");
        assertEquals(Map.of("type", "dense_vector", "dims", 384, "similarity", "cosine"), longdoc.get("embedding"));
        assertEquals(Map.of("type", "dense_vector", "dims", 384, "similarity", "cosine"), longdoc.get("summary_embedding"));
        Map<String, Object> sections = (Map<String, Object>) longdoc.get("sections");
        assertEquals("nested", sections.get("type"));
        assertEquals(384, ((Map<String, Object>) ((Map<String, Object>) sections.get("properties")).get("vector")).get("dims"));
        assertEquals(Map.of("type", "binary", "doc_values", true), longdoc.get("section_vectors"));
        assertEquals(Map.of("type", "integer"), longdoc.get("tokens"));
        assertEquals(Map.of("type", "boolean"), longdoc.get("truncated"));
        assertEquals(Map.of("type", "keyword"), longdoc.get("model"));
        assertEquals(Map.of("type", "text"), longdoc.get("summary"));
    }
}
