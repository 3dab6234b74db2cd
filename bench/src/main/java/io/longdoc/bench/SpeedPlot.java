package io.longdoc.bench;

import io.longdoc.graph.GemmPrecision;

import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.lines.SeriesLines;
import org.knowm.xchart.style.XYStyler;
import org.knowm.xchart.style.markers.SeriesMarkers;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.function.ToDoubleFunction;

import javax.imageio.ImageIO;

/**
 * {@code speed.png}: two log-log panels side by side, milliseconds per document and peak memory against length, one
 * line per variant and precision (int8 dashed). A variant's line stops where it could not run (no point is invented for a length not measured).
 * The length axis is log2 (lengths double from 512 to 16k), labelled in tokens at each power of two: XChart's own
 * log axis labels only decades, which would leave 512 … 16384 with one or two labels.
 */
final class SpeedPlot {

    static final int PANEL_WIDTH = 720;
    static final int PANEL_HEIGHT = 520;

    private SpeedPlot() {}

    static void write(List<EncoderRow> rows, String model, Path png) throws IOException {
        XYChart time = panel("Time per document (" + model + ")", "ms / document (median)");
        XYChart memory = panel("Peak memory (" + model + ")", "peak resident-set growth (MB)");
        for (String series : seriesNames(rows)) {
            List<EncoderRow> measured = rows.stream().filter(r -> r.series().equals(series) && r.isMeasured()).toList();
            addSeries(time, series, measured, r -> r.sample().medianMs());
            addSeries(memory, series, measured.stream().filter(r -> r.sample().peakKnown()).toList(), r -> r.sample().peakRssMb());
        }
        BufferedImage image = new BufferedImage(2 * PANEL_WIDTH, PANEL_HEIGHT, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, image.getWidth(), image.getHeight());
            g.drawImage(render(time), 0, 0, null);
            g.drawImage(render(memory), PANEL_WIDTH, 0, null);
        } finally {
            g.dispose();
        }
        ImageIO.write(image, "png", png.toFile());
    }

    /** One line per variant and precision present in the rows, in the table's order. */
    static List<String> seriesNames(List<EncoderRow> rows) {
        return rows.stream().map(EncoderRow::series).distinct().toList();
    }

    private static XYChart panel(String title, String yTitle) {
        XYChart chart = new XYChartBuilder().width(PANEL_WIDTH).height(PANEL_HEIGHT).title(title).xAxisTitle("document length (tokens)").yAxisTitle(yTitle)
            .build();
        XYStyler styler = chart.getStyler();
        styler.setYAxisLogarithmic(true).setYAxisLogarithmicDecadeOnly(false).setYAxisDecimalPattern("#").setPlotGridLinesVisible(true);
        styler.setChartBackgroundColor(Color.WHITE);
        chart.setCustomXAxisTickLabelsFormatter(log2 -> Math.abs(log2 - Math.rint(log2)) < 1e-9 ? Long.toString(Math.round(Math.pow(2, log2))) : "");
        return chart;
    }

    /** Log axes have no place for zero or less: such a point (a growth too small to see) is left out. */
    private static void addSeries(XYChart chart, String series, List<EncoderRow> rows, ToDoubleFunction<EncoderRow> y) {
        List<EncoderRow> plotted = rows.stream().filter(r -> y.applyAsDouble(r) > 0).toList();
        if (plotted.isEmpty()) {
            return;
        }
        double[] xs = plotted.stream().mapToDouble(r -> Math.log(r.n()) / Math.log(2)).toArray();
        double[] ys = plotted.stream().mapToDouble(y).toArray();
        XYSeries line = chart.addSeries(series, xs, ys);
        line.setMarker(SeriesMarkers.CIRCLE);
        if (plotted.get(0).precision() != GemmPrecision.FP32) {
            line.setLineStyle(SeriesLines.DASH_DASH); // int8 beside its fp32 line, told apart without relying on colour
        }
    }

    /** A panel with no series (nothing measured) is drawn as an empty frame saying so; XChart cannot draw it. */
    private static BufferedImage render(XYChart chart) {
        if (chart.getSeriesCollection().isEmpty()) {
            BufferedImage empty = new BufferedImage(PANEL_WIDTH, PANEL_HEIGHT, BufferedImage.TYPE_INT_RGB);
            Graphics2D g = empty.createGraphics();
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, PANEL_WIDTH, PANEL_HEIGHT);
            g.setColor(Color.DARK_GRAY);
            g.drawString(chart.getTitle() + ": nothing measured", 20, PANEL_HEIGHT / 2);
            g.dispose();
            return empty;
        }
        return BitmapEncoder.getBufferedImage(chart);
    }
}
