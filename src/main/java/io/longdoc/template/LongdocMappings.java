package io.longdoc.template;

import org.elasticsearch.cluster.metadata.ComponentTemplate;
import org.elasticsearch.xcontent.XContentParser;
import org.elasticsearch.xcontent.XContentParserConfiguration;
import org.elasticsearch.xcontent.XContentType;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * The component template {@value #NAME}: the mappings of what the {@code long_doc} processor writes under its
 * default target field {@code longdoc} with the bundled models (384 dims), so users compose it into their index
 * templates instead of writing dims by hand. The template itself is {@value #RESOURCE}, beside this class.
 */
public final class LongdocMappings {

    public static final String NAME = "longdoc-mappings";
    static final String RESOURCE = "longdoc-mappings.json";

    private LongdocMappings() {}

    /** Parsed from the resource, exactly as {@code PUT _component_template/longdoc-mappings} would parse it. */
    public static ComponentTemplate template() {
        try (
            InputStream in = LongdocMappings.class.getResourceAsStream(RESOURCE);
            XContentParser parser = XContentType.JSON.xContent().createParser(XContentParserConfiguration.EMPTY, in)
        ) {
            return ComponentTemplate.parse(parser);
        } catch (IOException e) {
            throw new UncheckedIOException("the plugin's " + RESOURCE + " is unreadable", e);
        }
    }
}
