package io.longdoc.template;

import io.longdoc.document.StoredFields;

import org.elasticsearch.cluster.metadata.ComponentTemplate;
import org.elasticsearch.xcontent.XContentBuilder;
import org.elasticsearch.xcontent.XContentParser;
import org.elasticsearch.xcontent.XContentParserConfiguration;
import org.elasticsearch.xcontent.XContentType;
import org.elasticsearch.xcontent.json.JsonXContent;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;

/**
 * The component template {@value #NAME}: the mappings of what the {@code long_doc} processor writes under its
 * default target field with the bundled models' width, so users compose it into their index templates instead of
 * writing dims by hand. Built from {@link StoredFields}, the same contract the processor writes and search reads.
 */
public final class LongdocMappings {

    public static final String NAME = "longdoc-mappings";
    /** Bumped when the mappings change, so the installer can tell an old template from the current one. */
    static final int VERSION = 1;
    /** The width of the bundled models' vectors. */
    static final int BUNDLED_DIMS = 384;

    private LongdocMappings() {}

    /** Parsed exactly as {@code PUT _component_template/longdoc-mappings} would parse it. */
    public static ComponentTemplate template() {
        try (XContentBuilder json = JsonXContent.contentBuilder()) {
            json.startObject();
            json.field("version", VERSION);
            json.field(
                "_meta",
                Map.of(
                    "managed_by",
                    "longdoc",
                    "description",
                    "Mappings of what the long_doc processor writes under its default target field ["
                        + StoredFields.DEFAULT_TARGET
                        + "] with the bundled models ("
                        + BUNDLED_DIMS
                        + " dims). Compose it into an index template; installed by the longdoc plugin when missing, never overwritten."
                )
            );
            json.startObject("template").startObject("mappings").startObject("properties");
            json.startObject(StoredFields.DEFAULT_TARGET).field("properties", StoredFields.mappings(BUNDLED_DIMS)).endObject();
            json.endObject().endObject().endObject();
            json.endObject();
            try (XContentParser parser = XContentType.JSON.xContent().createParser(XContentParserConfiguration.EMPTY, org.elasticsearch.common.Strings.toString(json))) {
                return ComponentTemplate.parse(parser);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("the longdoc-mappings template could not be built", e);
        }
    }
}
