package io.longdoc.graph;

import ai.onnx.proto.OnnxMl.TensorProto.DataType;

import java.util.List;

/**
 * y = x · W + b with W in int8 ({@link Int8Weights}, per output channel) and x quantized on the fly, in ONNX Runtime's
 * own int8 ops (its MLAS u8s8 GEMM: AVX-512 VNNI or AMX where the CPU has them). Two equivalent forms:
 * <ul>
 *   <li>{@link Form#DYNAMIC_QUANTIZE_MATMUL}: one {@code com.microsoft.DynamicQuantizeMatMul} node (A fp32, B int8,
 *       per-column b_scale, bias), the contrib op that quantizes A per tensor to uint8 and multiplies;</li>
 *   <li>{@link Form#MATMUL_INTEGER}: the standard-op chain {@code DynamicQuantizeLinear → MatMulInteger → Cast →
 *       Mul(a_scale · b_scale) → Add(bias)}, the layout of ORT's Python {@code quantize_dynamic}, which ORT's
 *       extended graph optimizations fuse back into the contrib op.</li>
 * </ul>
 * The builder uses {@link #DEFAULT_FORM}: the two ran at the same speed here once ORT had fused the chain (the
 * side-by-side is {@code bench/int8-forms.sh}), and the contrib op does not depend on that fusion happening.
 */
final class QuantizedLinear {

    enum Form {
        DYNAMIC_QUANTIZE_MATMUL,
        MATMUL_INTEGER
    }

    static final Form DEFAULT_FORM = Form.DYNAMIC_QUANTIZE_MATMUL;
    static final String MICROSOFT_DOMAIN = "com.microsoft";

    private QuantizedLinear() {}

    static String apply(OnnxGraphWriter g, Form form, String x, Linear linear, String name) {
        Int8Weights q = Int8Weights.quantize(linear.weight());
        String weight = g.int8s(name + ".weight_int8", q.values(), q.in(), q.out());
        String scales = g.weight(name + ".weight_scale", FloatTensor.of(q.scales(), q.out()));
        String bias = g.weight(name + ".bias", linear.bias());
        return switch (form) {
            case DYNAMIC_QUANTIZE_MATMUL -> g.customOp(MICROSOFT_DOMAIN, 1, "DynamicQuantizeMatMul", List.of(x, weight, scales, "", bias));
            case MATMUL_INTEGER -> {
                List<String> quantized = g.ops("DynamicQuantizeLinear", 3, List.of(x));
                String product = g.op("MatMulInteger", List.of(quantized.get(0), weight, quantized.get(2)));
                String scale = g.mul(quantized.get(1), scales);
                yield g.add(g.mul(g.cast(product, DataType.FLOAT), scale), bias);
            }
        };
    }
}
