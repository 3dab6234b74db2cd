package io.longdoc.graph;

import java.util.Arrays;

/** A dense float tensor in row-major order: the unit in which weights move between importers and the builder. */
public record FloatTensor(float[] data, int[] shape) {

    public FloatTensor {
        long size = 1;
        for (int dim : shape) {
            if (dim < 0) {
                throw new IllegalArgumentException("negative dimension in shape " + Arrays.toString(shape));
            }
            size *= dim;
        }
        if (size != data.length) {
            throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " needs " + size + " values, got " + data.length);
        }
    }

    public static FloatTensor of(float[] data, int... shape) {
        return new FloatTensor(data, shape);
    }

    public int rank() {
        return shape.length;
    }

    public int dim(int axis) {
        return shape[axis];
    }

    /** The transpose of a matrix: Hugging Face stores {@code nn.Linear} weights as [out, in], ONNX MatMul wants [in, out]. */
    public FloatTensor transpose2d() {
        if (shape.length != 2) {
            throw new IllegalStateException("transpose2d needs a matrix, shape is " + Arrays.toString(shape));
        }
        int rows = shape[0], cols = shape[1];
        float[] out = new float[data.length];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                out[c * rows + r] = data[r * cols + c];
            }
        }
        return new FloatTensor(out, new int[] { cols, rows });
    }

    /** Checks the shape, naming the tensor in the error. */
    public FloatTensor expectShape(String name, int... expected) {
        if (Arrays.equals(shape, expected) == false) {
            throw new IllegalArgumentException("[" + name + "] has shape " + Arrays.toString(shape) + ", expected " + Arrays.toString(expected));
        }
        return this;
    }
}
