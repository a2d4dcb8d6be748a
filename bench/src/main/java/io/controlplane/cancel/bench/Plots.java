package io.controlplane.cancel.bench;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.DecimalFormat;
import java.util.ArrayList;
import java.util.List;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.labels.ItemLabelAnchor;
import org.jfree.chart.labels.ItemLabelPosition;
import org.jfree.chart.labels.StandardCategoryItemLabelGenerator;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.renderer.category.BarRenderer;
import org.jfree.chart.renderer.category.LineAndShapeRenderer;
import org.jfree.chart.renderer.category.StandardBarPainter;
import org.jfree.chart.title.TextTitle;
import org.jfree.chart.ui.RectangleAnchor;
import org.jfree.chart.ui.TextAnchor;
import org.jfree.data.category.DefaultCategoryDataset;

/**
 * The PNG plots of a run, drawn headless with JFreeChart: throughput of the processor beside the
 * pipe of Kafka's own clients, and latency percentiles against the offered load. Only what was
 * measured is drawn, so that a run that failed half-way still leaves its plots.
 */
final class Plots {

    static final String PIPE = "pipe (Kafka's clients)";
    static final String WHOLE_JOB = "processor, whole job";
    static final String COMMANDS_ALONE = "processor, commands alone";
    static final String THROUGHPUT_FILE = "throughput.png";
    static final String LATENCY_FILE = "latency.png";

    /** Issue 10's latency target, drawn as a line so that the plot says where it stands. */
    private static final double P99_TARGET_MS = 150;

    private static final int WIDTH = 960;
    private static final int HEIGHT = 540;

    static {
        System.setProperty("java.awt.headless", "true");
    }

    private final String subtitle;
    private final DefaultCategoryDataset throughput = new DefaultCategoryDataset();
    private final DefaultCategoryDataset latency = new DefaultCategoryDataset();

    /** @param subtitle what was run (sizes, partitions), printed under each plot's title */
    Plots(String subtitle) {
        this.subtitle = subtitle;
    }

    /** A throughput bar; the at_least_once processor stands beside the plain pipe, exactly_once_v2 beside the transactional one. */
    synchronized void throughput(String what, String guarantee, double recordsPerSecond) {
        throughput.addValue(recordsPerSecond, series(guarantee), what);
    }

    synchronized void latency(int offeredPerSecond, LatencyRun.Percentiles percentiles) {
        if (percentiles.measured() == 0) {
            return;
        }
        String load = String.format("%,d/s", offeredPerSecond);
        latency.addValue(percentiles.p50(), "p50", load);
        latency.addValue(percentiles.p99(), "p99", load);
        latency.addValue(percentiles.p999(), "p99.9", load);
        latency.addValue(percentiles.max(), "max", load);
    }

    /** Writes the plots that have data into {@code directory}; returns the files written. */
    synchronized List<Path> write(Path directory) throws IOException {
        Files.createDirectories(directory);
        List<Path> written = new ArrayList<>();
        if (throughput.getRowCount() > 0) {
            written.add(save(throughputChart(), directory.resolve(THROUGHPUT_FILE)));
        }
        if (latency.getRowCount() > 0) {
            written.add(save(latencyChart(), directory.resolve(LATENCY_FILE)));
        }
        return written;
    }

    private static String series(String guarantee) {
        return guarantee.equals("at_least_once")
                ? "plain pipe / at_least_once"
                : "transactional pipe / exactly_once_v2";
    }

    private JFreeChart throughputChart() {
        JFreeChart chart = ChartFactory.createBarChart(
                "Throughput, input records/s",
                null,
                "records/s",
                throughput,
                PlotOrientation.VERTICAL,
                true,
                false,
                false);
        CategoryPlot plot = styled(chart);
        BarRenderer bars = (BarRenderer) plot.getRenderer();
        bars.setBarPainter(new StandardBarPainter());
        bars.setShadowVisible(false);
        bars.setItemMargin(0.05);
        bars.setSeriesPaint(0, new Color(0x4C72B0));
        bars.setSeriesPaint(1, new Color(0xDD8452));
        bars.setDefaultItemLabelGenerator(new StandardCategoryItemLabelGenerator("{2}", new DecimalFormat("#,##0")));
        bars.setDefaultItemLabelsVisible(true);
        bars.setDefaultPositiveItemLabelPosition(
                new ItemLabelPosition(ItemLabelAnchor.OUTSIDE12, TextAnchor.BOTTOM_CENTER));
        ((NumberAxis) plot.getRangeAxis()).setUpperMargin(0.12);
        return chart;
    }

    private JFreeChart latencyChart() {
        JFreeChart chart = ChartFactory.createLineChart(
                "Latency percentiles, exactly_once_v2",
                "commands/s offered",
                "ms, command written to outcome readable (read_committed)",
                latency,
                PlotOrientation.VERTICAL,
                true,
                false,
                false);
        CategoryPlot plot = styled(chart);
        LineAndShapeRenderer lines = (LineAndShapeRenderer) plot.getRenderer();
        lines.setDefaultShapesVisible(true);
        Color[] colours = {new Color(0x4C72B0), new Color(0xDD8452), new Color(0x55A868), new Color(0xC44E52)};
        for (int i = 0; i < colours.length; i++) {
            lines.setSeriesPaint(i, colours[i]);
            lines.setSeriesStroke(i, new BasicStroke(2f));
        }
        ValueMarker target = new ValueMarker(
                P99_TARGET_MS,
                Color.GRAY,
                new BasicStroke(1f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 1f, new float[] {6f, 4f}, 0f));
        target.setLabel("target: p99 ≤ 150 ms");
        target.setLabelFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        target.setLabelPaint(Color.DARK_GRAY);
        target.setLabelBackgroundColor(new Color(255, 255, 255, 0));
        target.setLabelAnchor(RectangleAnchor.TOP_LEFT);
        target.setLabelTextAnchor(TextAnchor.BOTTOM_LEFT);
        plot.addRangeMarker(target);
        return chart;
    }

    private CategoryPlot styled(JFreeChart chart) {
        chart.addSubtitle(new TextTitle(subtitle, new Font(Font.SANS_SERIF, Font.PLAIN, 12)));
        chart.setBackgroundPaint(Color.WHITE);
        CategoryPlot plot = chart.getCategoryPlot();
        plot.setBackgroundPaint(Color.WHITE);
        plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
        plot.setOutlineVisible(false);
        return plot;
    }

    private static Path save(JFreeChart chart, Path file) throws IOException {
        ChartUtils.saveChartAsPNG(file.toFile(), chart, WIDTH, HEIGHT);
        return file;
    }
}
