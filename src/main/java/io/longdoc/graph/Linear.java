package io.longdoc.graph;

/** y = x · weight + bias, with weight stored [in, out] (ONNX MatMul order) and bias [out]. */
public record Linear(FloatTensor weight, FloatTensor bias) {

    public Linear {
        if (weight.rank() != 2 || bias.rank() != 1 || bias.dim(0) != weight.dim(1)) {
            throw new IllegalArgumentException(
                "a linear layer needs weight [in, out] and bias [out], got " + java.util.Arrays.toString(weight.shape()) + " and "
                    + java.util.Arrays.toString(bias.shape())
            );
        }
    }

    public int in() {
        return weight.dim(0);
    }

    public int out() {
        return weight.dim(1);
    }
}
