package io.longdoc.model;

import io.longdoc.graph.GemmPrecision;
import io.longdoc.runtime.ExecutionProvider;

import org.elasticsearch.common.xcontent.XContentHelper;
import org.elasticsearch.xcontent.ToXContentObject;
import org.elasticsearch.xcontent.XContentBuilder;
import org.elasticsearch.xcontent.XContentType;

import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import java.util.Set;

/**
 * The small JSON file ({@value #FILE_NAME}) beside each model that says what the model is and how to run it.
 *
 * @param id           the folder name, validated by {@link ModelId}
 * @param architecture the encoder family (bert for now)
 * @param dims         width of the embedding the model produces
 * @param pooling      how token vectors become the document vector
 * @param normalize    whether the document vector is scaled to unit length
 * @param maxTokens    the most tokens (special tokens included) one forward pass accepts
 * @param modelFile    the ONNX file, a plain file name inside the model folder
 * @param tokenizerFile the Hugging Face tokenizer.json, a plain file name inside the model folder
 * @param compile      how to build the graph from weights; null to run {@code modelFile} as it is
 */
public record ModelSpec(
    String id,
    String description,
    String architecture,
    int dims,
    Pooling pooling,
    boolean normalize,
    int maxTokens,
    String modelFile,
    String tokenizerFile,
    CompileSpec compile
) implements ToXContentObject {

    public static final String FILE_NAME = "model.json";
    private static final Set<String> ARCHITECTURES = Set.of("bert", "roberta", "longformer", "big_bird");
    private static final Set<String> KNOWN_KEYS = Set.of(
        "id", "description", "architecture", "dims", "pooling", "normalize", "max_tokens", "files", "compile"
    );

    public ModelSpec {
        ModelId.validate(id);
        if (ARCHITECTURES.contains(architecture) == false) {
            throw new IllegalArgumentException("unsupported architecture [" + architecture + "], expected one of " + ARCHITECTURES);
        }
        if (dims < 1 || dims > 8192) {
            throw new IllegalArgumentException("[dims] must be between 1 and 8192, got [" + dims + "]");
        }
        if (maxTokens < 2 || maxTokens > 1 << 20) {
            throw new IllegalArgumentException("[max_tokens] must be between 2 and " + (1 << 20) + ", got [" + maxTokens + "]");
        }
        checkPlainFileName("files.model", modelFile);
        checkPlainFileName("files.tokenizer", tokenizerFile);
    }

    /** Parses a spec; {@code folderName} must equal the spec's id so that the id a user types finds exactly this folder. */
    public static ModelSpec parse(InputStream json, String folderName) throws IOException {
        Map<String, Object> map = XContentHelper.convertToMap(XContentType.JSON.xContent(), json, false);
        for (String key : map.keySet()) {
            if (KNOWN_KEYS.contains(key) == false) {
                throw new IllegalArgumentException("unknown key [" + key + "] in " + FILE_NAME + ", expected one of " + KNOWN_KEYS);
            }
        }
        String id = string(map, "id", true);
        if (id.equals(folderName) == false) {
            throw new IllegalArgumentException("[id] is [" + id + "] but the model folder is named [" + folderName + "]");
        }
        Map<String, Object> files = object(map, "files");
        return new ModelSpec(
            id,
            string(map, "description", false),
            string(map, "architecture", true),
            integer(map, "dims"),
            Pooling.parse(string(map, "pooling", true)),
            bool(map, "normalize"),
            integer(map, "max_tokens"),
            string(files, "model", true),
            string(files, "tokenizer", true),
            map.containsKey("compile") ? CompileSpec.parse(object(map, "compile")) : null
        );
    }

    /** What {@code GET _longdoc/models} reports as the model's precision. */
    public static final String AS_EXPORTED = "as_exported";

    /**
     * The precision the spec asks for on this node's CPU: "int8" ({@code compile.quantize}, or auto where it picks int8), else
     * the graph's float type ("fp32", "fp16"; the model's placement says what a node runs), or "as_exported" for a ready
     * ONNX file, which longdoc runs as it is.
     */
    public String precision(AutoInt8 node) {
        if (compile == null) {
            return AS_EXPORTED;
        }
        return onTheCpu(node).gemms() == GemmPrecision.INT8 ? GemmPrecision.INT8.label() : compile.precision().toString();
    }

    /** Why {@link #precision} is what it is when the spec leaves it to the node ({@code compile.quantize: auto}); else null. */
    public String precisionReason(AutoInt8 node) {
        return compile == null ? null : onTheCpu(node).reason();
    }

    private QuantizeSetting.Choice onTheCpu(AutoInt8 node) {
        return compile.quantize().choose(ExecutionProvider.CPU, compile.precision(), node);
    }

    @Override
    public XContentBuilder toXContent(XContentBuilder builder, Params params) throws IOException {
        builder.startObject();
        builder.field("id", id);
        if (description != null) {
            builder.field("description", description);
        }
        builder.field("architecture", architecture);
        builder.field("dims", dims);
        builder.field("pooling", pooling.toString());
        builder.field("normalize", normalize);
        builder.field("max_tokens", maxTokens);
        builder.startObject("files").field("model", modelFile).field("tokenizer", tokenizerFile).endObject();
        if (compile != null) {
            builder.field("compile", compile);
        }
        return builder.endObject();
    }

    private static void checkPlainFileName(String key, String name) {
        if (name == null || name.isEmpty()) {
            throw new IllegalArgumentException("[" + key + "] is required");
        }
        // A spec names files inside its own folder only: no separators, no parent references, nothing hidden.
        if (name.contains("/") || name.contains("\\") || name.startsWith(".") || name.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("[" + key + "] must be a plain file name inside the model folder, got [" + name + "]");
        }
    }

    private static String string(Map<String, Object> map, String key, boolean required) {
        Object value = map.get(key);
        if (value == null) {
            if (required) {
                throw new IllegalArgumentException("[" + key + "] is required in " + FILE_NAME);
            }
            return null;
        }
        if (value instanceof String s) {
            return s;
        }
        throw new IllegalArgumentException("[" + key + "] must be a string, got [" + value + "]");
    }

    private static int integer(Map<String, Object> map, String key) {
        Object value = map.get(key);
        if (value instanceof Integer i) {
            return i;
        }
        throw new IllegalArgumentException("[" + key + "] must be an integer, got [" + value + "]");
    }

    private static boolean bool(Map<String, Object> map, String key) {
        Object value = map.get(key);
        if (value instanceof Boolean b) {
            return b;
        }
        throw new IllegalArgumentException("[" + key + "] must be true or false, got [" + value + "]");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> object(Map<String, Object> map, String key) {
        Object value = map.get(key);
        if (value instanceof Map<?, ?> m) {
            return (Map<String, Object>) m;
        }
        throw new IllegalArgumentException("[" + key + "] must be an object, got [" + value + "]");
    }
}
