package io.longdoc.runtime;

import java.lang.invoke.MethodHandle;
import java.lang.reflect.Method;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Keeps ONNX Runtime's telemetry off. ONNX Runtime 1.29's Linux build starts Microsoft's 1DS telemetry SDK when its
 * environment is created: it writes {@code /tmp/mat-debug-<pid>.log} and an event store under the user's home,
 * looks up {@code mobile.events.data.microsoft.com}, and parses the process's command line with a recursive regex
 * that overflows a thread's stack on long command lines ({@link EnvironmentStart}). A search node must make no such connection (native code is
 * not covered by Elasticsearch's entitlements), so before the library loads the variable ONNX Runtime reads,
 * {@code ORT_DISABLE_TELEMETRY}, is set to {@code 1} in the process environment — unless the operator set it already,
 * which is respected.
 *
 * <p>The variable has to be in the C environment, which Java cannot change, so {@code setenv} is called through the
 * foreign-function API (final since Java 22; looked up reflectively because the plugin is compiled for Java 21). It
 * runs once, before any native library of ours loads; glibc keeps the original environment array alive when the
 * first {@code setenv} replaces it, so a concurrent {@code getenv} elsewhere still reads valid memory.
 */
public final class OrtTelemetry {

    static final String VARIABLE = "ORT_DISABLE_TELEMETRY";

    /**
     * Variables with which ONNX Runtime 1.29 leaves its telemetry off by itself (its {@code IsRunningInCI} and
     * {@code IsRunningUnitTests}): a CI runner's markers, read from the library's strings and checked here by running
     * it. A value counts unless it is empty, {@code 0}, {@code false}, {@code no} or {@code off}.
     */
    public static final List<String> RUNTIME_SUPPRESSING_VARIABLES = List.of(
        "CI", "TF_BUILD", "GITHUB_ACTIONS", "GITLAB_CI", "CIRCLECI", "TRAVIS", "JENKINS_URL", "CODEBUILD_BUILD_ID", "BUILDKITE",
        "TEAMCITY_VERSION", "APPVEYOR", "BITBUCKET_BUILD_NUMBER", "SYSTEM_TEAMFOUNDATIONCOLLECTIONURI", "ORT_RUNNING_UNIT_TESTS"
    );

    /** What was found and done, for {@code GET _longdoc/models}. */
    enum State {
        /** longdoc set the variable. */
        DISABLED,
        /** The operator's environment already turned it off. */
        DISABLED_BY_OPERATOR,
        /** The operator's environment turned it on ({@link EnvironmentStart} then checks the command line). */
        ENABLED_BY_OPERATOR,
        /** Not turned off through the variable, but ONNX Runtime skips it by itself ({@link #RUNTIME_SUPPRESSING_VARIABLES}). */
        SUPPRESSED_BY_RUNTIME,
        /** The variable could not be set (no foreign-function API); telemetry runs. */
        ENABLED;

        boolean isOn() {
            return this == ENABLED || this == ENABLED_BY_OPERATOR;
        }

        @Override
        public String toString() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private OrtTelemetry() {}

    /** Whether ONNX Runtime treats this value as "off" (it accepts 1, true and yes; 0 leaves telemetry on). */
    static boolean meansDisabled(String value) {
        String v = value.trim().toLowerCase(Locale.ROOT);
        return v.equals("1") || v.equals("true") || v.equals("yes");
    }

    /** Sets {@code ORT_DISABLE_TELEMETRY=1} unless the environment has it; call before ONNX Runtime loads. */
    static State disableBeforeLoad() {
        String current = System.getenv(VARIABLE);
        if (current != null && meansDisabled(current)) {
            return State.DISABLED_BY_OPERATOR;
        }
        if (current == null && setenv(VARIABLE, "1")) {
            return State.DISABLED;
        }
        if (suppressingVariable(System.getenv()).isPresent()) {
            return State.SUPPRESSED_BY_RUNTIME;
        }
        return current == null ? State.ENABLED : State.ENABLED_BY_OPERATOR;
    }

    /** The first variable in {@code environment} with which ONNX Runtime leaves its telemetry off by itself. */
    static Optional<String> suppressingVariable(Map<String, String> environment) {
        return RUNTIME_SUPPRESSING_VARIABLES.stream().filter(name -> countsAsSet(environment.get(name))).findFirst();
    }

    private static boolean countsAsSet(String value) {
        if (value == null) {
            return false;
        }
        String v = value.trim().toLowerCase(Locale.ROOT);
        return v.isEmpty() == false && List.of("0", "false", "no", "off").contains(v) == false;
    }

    /** {@code setenv(name, value, 0)} through the foreign-function API; false where that API is not available. */
    static boolean setenv(String name, String value) {
        try {
            Class<?> linkerClass = Class.forName("java.lang.foreign.Linker");
            Class<?> lookupClass = Class.forName("java.lang.foreign.SymbolLookup");
            Class<?> layoutClass = Class.forName("java.lang.foreign.MemoryLayout");
            Class<?> layoutArrayClass = layoutClass.arrayType();
            Class<?> valueLayoutClass = Class.forName("java.lang.foreign.ValueLayout");
            Class<?> descriptorClass = Class.forName("java.lang.foreign.FunctionDescriptor");
            Class<?> segmentClass = Class.forName("java.lang.foreign.MemorySegment");
            Class<?> optionArrayClass = Class.forName("java.lang.foreign.Linker$Option").arrayType();
            Class<?> arenaClass = Class.forName("java.lang.foreign.Arena");

            Object linker = linkerClass.getMethod("nativeLinker").invoke(null);
            Object lookup = linkerClass.getMethod("defaultLookup").invoke(linker);
            Optional<?> symbol = (Optional<?>) lookupClass.getMethod("find", String.class).invoke(lookup, "setenv");
            if (symbol.isEmpty()) {
                return false;
            }
            Object address = valueLayoutClass.getField("ADDRESS").get(null);
            Object javaInt = valueLayoutClass.getField("JAVA_INT").get(null);
            Object arguments = java.lang.reflect.Array.newInstance(layoutClass, 3);
            java.lang.reflect.Array.set(arguments, 0, address);
            java.lang.reflect.Array.set(arguments, 1, address);
            java.lang.reflect.Array.set(arguments, 2, javaInt);
            Object descriptor = descriptorClass.getMethod("of", layoutClass, layoutArrayClass).invoke(null, javaInt, arguments);
            MethodHandle setenv = (MethodHandle) linkerClass.getMethod("downcallHandle", segmentClass, descriptorClass, optionArrayClass)
                .invoke(linker, symbol.get(), descriptor, java.lang.reflect.Array.newInstance(optionArrayClass.componentType(), 0));

            Object arena = arenaClass.getMethod("ofConfined").invoke(null);
            try {
                Method allocate = arenaClass.getMethod("allocateFrom", String.class);
                Object nameSegment = allocate.invoke(arena, name);
                Object valueSegment = allocate.invoke(arena, value);
                int result = (int) setenv.invokeWithArguments(nameSegment, valueSegment, 0);
                return result == 0;
            } finally {
                ((AutoCloseable) arena).close();
            }
        } catch (VirtualMachineError e) {
            throw e;
        } catch (Throwable e) { // any failure of the lookup (older JDK, denied access) leaves telemetry as it was
            return false;
        }
    }
}
