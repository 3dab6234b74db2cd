package io.longdoc.runtime;

import java.lang.invoke.MethodHandle;
import java.lang.reflect.Array;
import java.lang.reflect.Method;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The free memory of a CUDA device, from the CUDA runtime's {@code cudaMemGetInfo} in {@code libcudart.so.12} (the
 * library ONNX Runtime's CUDA provider links, so on a node where CUDA runs it is there). ONNX Runtime's Java API has no
 * such call, so it goes through the foreign-function API (final since Java 22, looked up reflectively as
 * {@link OrtTelemetry} does, because the plugin is compiled for Java 21). Empty wherever any step fails — no library,
 * no device, an older JDK — never an exception: the budget then falls back to a configured size.
 */
final class CudaMemoryInfo {

    static final String LIBRARY = "libcudart.so.12";

    private CudaMemoryInfo() {}

    /** Free bytes on {@code deviceId} now, or empty when they cannot be read here. */
    static OptionalLong freeBytes(int deviceId) {
        return freeBytes(LIBRARY, deviceId);
    }

    static OptionalLong freeBytes(String library, int deviceId) {
        try {
            Class<?> linkerClass = Class.forName("java.lang.foreign.Linker");
            Class<?> lookupClass = Class.forName("java.lang.foreign.SymbolLookup");
            Class<?> layoutClass = Class.forName("java.lang.foreign.MemoryLayout");
            Class<?> valueLayoutClass = Class.forName("java.lang.foreign.ValueLayout");
            Class<?> longLayoutClass = Class.forName("java.lang.foreign.ValueLayout$OfLong");
            Class<?> descriptorClass = Class.forName("java.lang.foreign.FunctionDescriptor");
            Class<?> segmentClass = Class.forName("java.lang.foreign.MemorySegment");
            Class<?> optionArrayClass = Class.forName("java.lang.foreign.Linker$Option").arrayType();
            Class<?> arenaClass = Class.forName("java.lang.foreign.Arena");

            Object linker = linkerClass.getMethod("nativeLinker").invoke(null);
            Object global = arenaClass.getMethod("global").invoke(null);
            Object lookup = lookupClass.getMethod("libraryLookup", String.class, arenaClass).invoke(null, library, global);
            Object address = valueLayoutClass.getField("ADDRESS").get(null);
            Object javaInt = valueLayoutClass.getField("JAVA_INT").get(null);
            Object javaLong = valueLayoutClass.getField("JAVA_LONG").get(null);
            Object noOptions = Array.newInstance(optionArrayClass.componentType(), 0);
            Method downcall = linkerClass.getMethod("downcallHandle", segmentClass, descriptorClass, optionArrayClass);
            Method describe = descriptorClass.getMethod("of", layoutClass, layoutClass.arrayType());

            MethodHandle setDevice = (MethodHandle) downcall.invoke(linker, symbol(lookupClass, lookup, "cudaSetDevice"), describe.invoke(null, javaInt, layouts(layoutClass, javaInt)), noOptions);
            MethodHandle memGetInfo = (MethodHandle) downcall.invoke(linker, symbol(lookupClass, lookup, "cudaMemGetInfo"), describe.invoke(null, javaInt, layouts(layoutClass, address, address)), noOptions);

            if ((int) setDevice.invokeWithArguments(deviceId) != 0) {
                return OptionalLong.empty();
            }
            Object arena = arenaClass.getMethod("ofConfined").invoke(null);
            try {
                Method allocate = arenaClass.getMethod("allocate", long.class);
                Object free = allocate.invoke(arena, 8L);
                Object total = allocate.invoke(arena, 8L);
                if ((int) memGetInfo.invokeWithArguments(free, total) != 0) {
                    return OptionalLong.empty(); // e.g. cudaErrorNoDevice, cudaErrorInsufficientDriver
                }
                long bytes = (long) segmentClass.getMethod("get", longLayoutClass, long.class).invoke(free, javaLong, 0L);
                return bytes > 0 ? OptionalLong.of(bytes) : OptionalLong.empty();
            } finally {
                ((AutoCloseable) arena).close();
            }
        } catch (VirtualMachineError e) {
            throw e;
        } catch (Throwable e) { // no library, no symbol, no foreign-function API: unknown, and the caller says so
            return OptionalLong.empty();
        }
    }

    private static Object symbol(Class<?> lookupClass, Object lookup, String name) throws ReflectiveOperationException {
        Optional<?> symbol = (Optional<?>) lookupClass.getMethod("find", String.class).invoke(lookup, name);
        return symbol.orElseThrow(() -> new IllegalStateException("no symbol " + name));
    }

    private static Object layouts(Class<?> layoutClass, Object... layouts) {
        Object array = Array.newInstance(layoutClass, layouts.length);
        for (int i = 0; i < layouts.length; i++) {
            Array.set(array, i, layouts[i]);
        }
        return array;
    }
}
