package io.longdoc.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.List;

import javax.imageio.ImageIO;

class SpeedPlotTests {

    static {
        System.setProperty("java.awt.headless", "true");
    }

    @Test
    void twoPanelsSideBySideWithRowsNotRunLeftOut(@TempDir Path dir) throws Exception {
        Path png = dir.resolve("speed.png");
        SpeedPlot.write(SpeedFixtures.encoderRows(), "bge-small-en-v1.5", png);
        BufferedImage image = ImageIO.read(png.toFile());
        assertEquals(2 * SpeedPlot.PANEL_WIDTH, image.getWidth());
        assertEquals(SpeedPlot.PANEL_HEIGHT, image.getHeight());
        assertTrue(colouredPixels(image, 0) > 100, "the time panel has coloured series lines");
        assertTrue(colouredPixels(image, SpeedPlot.PANEL_WIDTH) > 100, "the memory panel has coloured series lines");
    }

    @Test
    void int8GetsItsOwnLines(@TempDir Path dir) throws Exception {
        assertEquals(List.of("dense", "sparse-std", "sparse-fused", "chunk-512", "sparse-std int8", "sparse-fused int8", "chunk-512 int8"),
            SpeedPlot.seriesNames(SpeedFixtures.encoderRowsWithInt8()));
        Path fp32 = dir.resolve("fp32.png");
        Path both = dir.resolve("both.png");
        SpeedPlot.write(SpeedFixtures.encoderRows(), "m", fp32);
        SpeedPlot.write(SpeedFixtures.encoderRowsWithInt8(), "m", both);
        assertTrue(colouredPixels(ImageIO.read(both.toFile()), 0) > colouredPixels(ImageIO.read(fp32.toFile()), 0), "the int8 lines are drawn");
    }

    @Test
    void nothingMeasuredStillGivesAnImage(@TempDir Path dir) throws Exception {
        Path png = dir.resolve("speed.png");
        SpeedPlot.write(List.of(EncoderRow.notRun(EncoderVariant.DENSE, 512, "not run: test")), "m", png);
        BufferedImage image = ImageIO.read(png.toFile());
        assertEquals(2 * SpeedPlot.PANEL_WIDTH, image.getWidth());
        assertEquals(0, colouredPixels(image, 0), "no series drawn");
    }

    /** Pixels of one panel that are not grey: XChart draws axes, grid and text in greys, series in colour. */
    private static int colouredPixels(BufferedImage image, int left) {
        int count = 0;
        for (int x = left; x < left + SpeedPlot.PANEL_WIDTH; x++) {
            for (int y = 0; y < image.getHeight(); y++) {
                int rgb = image.getRGB(x, y);
                int r = (rgb >> 16) & 0xff, g = (rgb >> 8) & 0xff, b = rgb & 0xff;
                if (Math.max(r, Math.max(g, b)) - Math.min(r, Math.min(g, b)) > 40) {
                    count++;
                }
            }
        }
        return count;
    }
}
