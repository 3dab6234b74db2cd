package io.longdoc.runtime;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtProvider;
import ai.onnxruntime.OrtSession;

/**
 * Asks the running ONNX Runtime whether CUDA can run here, in the order things fail: the build has the CUDA execution
 * provider; its library and what it links (CUDA 12, cuDNN 9, the driver) load; a session opens on the device. All of it
 * happens inside ONNX Runtime's native code: no file of the host is read from Java (entitlements), and on a machine
 * without CUDA each step fails with an exception, never a crash.
 */
final class CudaProbe {

    private CudaProbe() {}

    static ProviderSelection.CudaProbeResult probe(OrtEnvironment environment, int deviceId) {
        if (OrtEnvironment.getAvailableProviders().contains(OrtProvider.CUDA) == false) {
            return ProviderSelection.CudaProbeResult.cpuBuild();
        }
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.addCUDA(deviceId);
        } catch (OrtException | LinkageError e) {
            return new ProviderSelection.CudaProbeResult(true, String.valueOf(e.getMessage()), null);
        }
        // The provider creates its device context when a session is created: that is where a missing device shows.
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.addCUDA(deviceId);
            try (OrtSession session = environment.createSession(IDENTITY_MODEL, options)) {
                return new ProviderSelection.CudaProbeResult(true, null, null);
            }
        } catch (OrtException | LinkageError e) {
            return new ProviderSelection.CudaProbeResult(true, null, String.valueOf(e.getMessage()));
        }
    }

    /** The smallest model a session can open: y = Identity(x), x a float vector. */
    private static final byte[] IDENTITY_MODEL = identityModel();

    private static byte[] identityModel() {
        TypeProto vector = TypeProto.newBuilder()
            .setTensorType(
                TypeProto.Tensor.newBuilder()
                    .setElemType(TensorProto.DataType.FLOAT.getNumber())
                    .setShape(TensorShapeProto.newBuilder().addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(1)))
            )
            .build();
        GraphProto graph = GraphProto.newBuilder()
            .setName("cuda_probe")
            .addNode(NodeProto.newBuilder().setOpType("Identity").addInput("x").addOutput("y"))
            .addInput(ValueInfoProto.newBuilder().setName("x").setType(vector))
            .addOutput(ValueInfoProto.newBuilder().setName("y").setType(vector))
            .build();
        return ModelProto.newBuilder()
            .setIrVersion(8)
            .setProducerName("longdoc")
            .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(17))
            .setGraph(graph)
            .build()
            .toByteArray();
    }
}
