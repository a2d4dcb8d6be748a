package io.controlplane.cancel.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PlotsTest {

    @TempDir
    Path directory;

    @Test
    void writesBothPlotsAsPngImagesWhenBothWereMeasured() throws IOException {
        Plots plots = new Plots("2 runs + 2 commands, 3 partitions");
        plots.throughput(Plots.PIPE, "at_least_once", 300_000);
        plots.throughput(Plots.PIPE, "exactly_once_v2", 280_000);
        plots.throughput(Plots.WHOLE_JOB, "exactly_once_v2", 66_000);
        plots.latency(1_000, new LatencyRun.Percentiles(850, 0, 90, 240, 260, 270));
        plots.latency(5_000, new LatencyRun.Percentiles(4_250, 0, 95, 250, 280, 300));

        assertThat(plots.write(directory))
                .containsExactly(directory.resolve(Plots.THROUGHPUT_FILE), directory.resolve(Plots.LATENCY_FILE));
        for (String file : new String[] {Plots.THROUGHPUT_FILE, Plots.LATENCY_FILE}) {
            BufferedImage image = ImageIO.read(directory.resolve(file).toFile());
            assertThat(image).as(file).isNotNull();
            assertThat(image.getWidth()).isEqualTo(960);
            assertThat(image.getHeight()).isEqualTo(540);
        }
    }

    @Test
    void writesOnlyThePlotsThatHaveDataSoThatAFailedRunLeavesWhatItMeasured() throws IOException {
        Plots plots = new Plots("a run that failed after the pipe");
        plots.throughput(Plots.PIPE, "at_least_once", 300_000);
        plots.latency(1_000, new LatencyRun.Percentiles(0, 850, Double.NaN, Double.NaN, Double.NaN, Double.NaN));

        assertThat(plots.write(directory)).containsExactly(directory.resolve(Plots.THROUGHPUT_FILE));
    }
}
