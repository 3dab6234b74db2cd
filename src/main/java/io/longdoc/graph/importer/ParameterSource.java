package io.longdoc.graph.importer;

import io.longdoc.graph.FloatTensor;
import io.longdoc.graph.LayerNormWeights;
import io.longdoc.graph.Linear;

import java.io.IOException;
import java.util.Set;

/**
 * Parameters addressed by PyTorch module path without model prefix ({@code encoder.layer.0.attention.self.query}),
 * whatever file format they come from. Each method returns null when the module is absent.
 */
interface ParameterSource {

    /** A linear layer with its weight in [in, out] order. */
    Linear linear(String path) throws IOException;

    LayerNormWeights norm(String path) throws IOException;

    /** An embedding table [rows, d]. */
    FloatTensor table(String path) throws IOException;

    /** Every module path present, for layer counting and for rejecting modules nobody maps. */
    Set<String> paths();

    /** Names the file in errors. */
    String describe();
}
