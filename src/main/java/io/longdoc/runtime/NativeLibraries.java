package io.longdoc.runtime;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Points ONNX Runtime and the tokenizer at the native libraries the plugin zip ships as plain files in
 * {@code native/<platform>/}. Inside Elasticsearch both libraries must load from there: extracting them from their
 * jars would write where the entitlements forbid. These are exactly the properties the entitlement policy lets us set.
 */
public final class NativeLibraries {

    static final String ORT_NATIVE_PATH = "onnxruntime.native.path";
    static final String TOKENIZERS_LIBRARY = "RUST_LIBRARY_PATH";
    static final String DJL_OFFLINE = "ai.djl.offline";

    private NativeLibraries() {}

    /** The folder name of this JVM's platform inside {@code native/}. */
    public static String platform() {
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
        if (os.startsWith("linux") == false) {
            throw new IllegalStateException("longdoc ships native libraries for Linux only, this node runs on [" + os + "]");
        }
        return switch (arch) {
            case "amd64", "x86_64" -> "linux-x64";
            case "aarch64", "arm64" -> "linux-aarch64";
            default -> throw new IllegalStateException("longdoc ships native libraries for x64 and aarch64, this node is [" + arch + "]");
        };
    }

    /** Configures both libraries to load from {@code pluginDir/native/<platform>}; call before either loads. */
    public static void useBundledLibraries(Path pluginDir) {
        Path nativeDir = pluginDir.resolve("native").resolve(platform());
        Path tokenizers = nativeDir.resolve("libtokenizers.so");
        if (Files.isRegularFile(nativeDir.resolve("libonnxruntime.so")) == false || Files.isRegularFile(tokenizers) == false) {
            throw new IllegalStateException("the longdoc plugin folder is incomplete: native libraries missing in [" + nativeDir + "]");
        }
        System.setProperty(ORT_NATIVE_PATH, nativeDir.toString());
        System.setProperty(TOKENIZERS_LIBRARY, tokenizers.toString());
        // Without offline mode the tokenizer library asks a cloud metadata address on every load (a denied connection).
        System.setProperty(DJL_OFFLINE, "true");
    }
}
