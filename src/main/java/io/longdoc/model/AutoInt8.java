package io.longdoc.model;

import io.longdoc.runtime.CpuInt8;

/**
 * What {@code compile.quantize: auto} may use on this node: the CPU's int8 instructions, unless the operator keeps
 * fp32 with {@code longdoc.auto_int8: false} (one setting, for the bundled model too, whose spec sits in the plugin).
 *
 * @param allowed {@code longdoc.auto_int8}
 */
public record AutoInt8(boolean allowed, CpuInt8 cpu) {

    /** This node's CPU, auto allowed to choose int8: the default. */
    public static AutoInt8 node() {
        return new AutoInt8(true, CpuInt8.node());
    }

    public static AutoInt8 node(boolean allowed) {
        return new AutoInt8(allowed, CpuInt8.node());
    }
}
