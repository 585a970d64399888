package io.qshampoo.experiments.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import javax.imageio.ImageIO;

/**
 * Heat maps of a ratio (1 = no change), one panel beside the other, written as one PNG: each cell coloured on a
 * diverging scale of log₂(ratio) (blue below 1, white at 1, red above 1, saturated at ½ and 2), labelled with the
 * ratio, and outlined in black when it is <em>marked</em> (e.g. its confidence interval lies entirely below 1).
 *
 * <p>Drawn with Java2D rather than XChart's {@code HeatMapChart}: XChart 3.8.8 can neither label nor outline one
 * cell (its value labels take one number format for all cells, and its heat-map axes give no cell geometry), and
 * the marked region is what the picture is for. Rendering is headless.
 */
public final class RatioHeatMap {

    /**
     * One panel: {@code values[row][column]}, the first row drawn at the top.
     *
     * @param title   panel heading
     * @param columns column labels (the x axis)
     * @param rows    row labels (the y axis)
     * @param values  ratios, finite and &gt; 0, or NaN for an empty cell
     * @param marked  cells to outline
     */
    public record Panel(String title, List<String> columns, List<String> rows, double[][] values, boolean[][] marked) {
        public Panel {
            if (values.length != rows.size() || marked.length != rows.size()) {
                throw new IllegalArgumentException(rows.size() + " row labels but " + values.length + " value rows and "
                        + marked.length + " mark rows; expected the same");
            }
            for (int r = 0; r < values.length; r++) {
                if (values[r].length != columns.size() || marked[r].length != columns.size()) {
                    throw new IllegalArgumentException("row " + r + " has " + values[r].length + " values and "
                            + marked[r].length + " marks; expected " + columns.size());
                }
            }
        }
    }

    private static final int CELL_W = 62;
    private static final int CELL_H = 26;
    private static final int MARGIN = 16;
    private static final Color BLUE = new Color(0x2166ac);
    private static final Color RED = new Color(0xb2182b);

    private RatioHeatMap() {
    }

    /** The colour of a ratio: log₂ mapped linearly from blue (½ or less) through white (1) to red (2 or more). */
    static Color color(double ratio) {
        if (!(ratio > 0) || !Double.isFinite(ratio)) {
            return Color.LIGHT_GRAY;
        }
        double t = Math.max(-1, Math.min(1, Math.log(ratio) / Math.log(2)));
        Color end = t < 0 ? BLUE : RED;
        double w = Math.abs(t);
        return new Color((int) Math.round(255 + w * (end.getRed() - 255)), (int) Math.round(255 + w * (end.getGreen() - 255)),
                (int) Math.round(255 + w * (end.getBlue() - 255)));
    }

    /**
     * Writes the panels side by side under a title, with axis names and a legend line; creates parent directories.
     *
     * @param xName  name of the columns' variable
     * @param yName  name of the rows' variable
     * @param legend what the colour, the numbers and the outline mean
     */
    public static void writePng(Path file, String title, String xName, String yName, String legend, List<Panel> panels)
            throws IOException {
        if (panels.isEmpty()) {
            throw new IllegalArgumentException("no panel to draw");
        }
        System.setProperty("java.awt.headless", "true");
        Font plain = new Font(Font.SANS_SERIF, Font.PLAIN, 12);
        Font bold = plain.deriveFont(Font.BOLD);
        Font big = plain.deriveFont(Font.BOLD, 15f);
        BufferedImage probe = new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB);
        FontMetrics fm = probe.createGraphics().getFontMetrics(plain);
        int labelW = 0;
        int maxRows = 0;
        for (Panel p : panels) {
            for (String r : p.rows()) {
                labelW = Math.max(labelW, fm.stringWidth(r));
            }
            maxRows = Math.max(maxRows, p.rows().size());
        }
        labelW += 10;
        int top = MARGIN + 28;
        int[] x0 = new int[panels.size()];
        int width = MARGIN;
        for (int i = 0; i < panels.size(); i++) {
            x0[i] = width + labelW;
            width = x0[i] + panels.get(i).columns().size() * CELL_W + MARGIN;
        }
        int gridTop = top + 22;
        int height = gridTop + maxRows * CELL_H + 60;
        width = Math.max(width, 2 * MARGIN + fm.stringWidth(legend) + 20);
        BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, width, height);
            g.setColor(Color.BLACK);
            g.setFont(big);
            g.drawString(title, MARGIN, MARGIN + 14);
            for (int i = 0; i < panels.size(); i++) {
                drawPanel(g, panels.get(i), x0[i], top, gridTop, plain, bold, xName, yName);
            }
            g.setFont(plain);
            g.setColor(Color.DARK_GRAY);
            g.drawString(legend, MARGIN, height - 12);
        } finally {
            g.dispose();
        }
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        if (!ImageIO.write(img, "png", file.toFile())) {
            throw new IOException("no PNG writer available for " + file);
        }
    }

    private static void drawPanel(Graphics2D g, Panel p, int x0, int top, int gridTop, Font plain, Font bold, String xName,
            String yName) {
        g.setFont(bold);
        g.setColor(Color.BLACK);
        g.drawString(p.title(), x0, top + 10);
        int cols = p.columns().size();
        for (int r = 0; r < p.rows().size(); r++) {
            int y = gridTop + r * CELL_H;
            g.setFont(plain);
            g.setColor(Color.BLACK);
            FontMetrics fm = g.getFontMetrics();
            g.drawString(p.rows().get(r), x0 - 6 - fm.stringWidth(p.rows().get(r)), y + CELL_H / 2 + 4);
            for (int c = 0; c < cols; c++) {
                int x = x0 + c * CELL_W;
                double v = p.values()[r][c];
                g.setColor(color(v));
                g.fillRect(x, y, CELL_W, CELL_H);
                g.setColor(new Color(0xdddddd));
                g.drawRect(x, y, CELL_W, CELL_H);
                boolean mark = p.marked()[r][c];
                g.setFont(mark ? bold : plain);
                g.setColor(Math.abs(Math.log(v) / Math.log(2)) > 0.6 ? Color.WHITE : Color.BLACK);
                String text = Double.isFinite(v) ? String.format(java.util.Locale.ROOT, v < 9.995 ? "%.2f" : "%.1f", v) : "–";
                FontMetrics tm = g.getFontMetrics();
                g.drawString(text, x + (CELL_W - tm.stringWidth(text)) / 2, y + CELL_H / 2 + 4);
            }
        }
        for (int r = 0; r < p.rows().size(); r++) {
            for (int c = 0; c < cols; c++) {
                if (p.marked()[r][c]) { // black outside, white inside: visible on any fill
                    g.setStroke(new BasicStroke(3f));
                    g.setColor(Color.BLACK);
                    g.drawRect(x0 + c * CELL_W + 2, gridTop + r * CELL_H + 2, CELL_W - 4, CELL_H - 4);
                    g.setStroke(new BasicStroke(1f));
                    g.setColor(Color.WHITE);
                    g.drawRect(x0 + c * CELL_W + 4, gridTop + r * CELL_H + 4, CELL_W - 8, CELL_H - 8);
                }
            }
        }
        g.setFont(plain);
        g.setColor(Color.BLACK);
        FontMetrics fm = g.getFontMetrics();
        int below = gridTop + p.rows().size() * CELL_H;
        for (int c = 0; c < cols; c++) {
            String s = p.columns().get(c);
            g.drawString(s, x0 + c * CELL_W + (CELL_W - fm.stringWidth(s)) / 2, below + 15);
        }
        g.drawString(xName, x0 + (cols * CELL_W - fm.stringWidth(xName)) / 2, below + 32);
        g.drawString(yName, x0 - fm.stringWidth(yName) - 6, gridTop - 6);
    }
}
