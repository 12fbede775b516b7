package io.vitalflow.loadgen.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A line chart as one inline {@code <svg>} element: a frame with grid lines and tick labels, one
 * polyline per series (with point markers when there are few points), an optional right-hand axis
 * and a legend. Every coordinate lies inside the view box whatever the data (NaN, infinities, huge
 * values, a single point).
 */
final class SvgChart {

  private static final int WIDTH = 720;
  private static final int LEFT = 70;
  private static final int TOP = 36;
  private static final int PLOT_HEIGHT = 220;
  private static final int BELOW_PLOT = 52;
  private static final int LEGEND_ROW = 18;
  private static final int MARKERS_UP_TO = 30;
  private static final double CHAR_WIDTH = 6.5;
  private static final int LEGEND_CHARS = 60;
  private static final String GRID = "#e3e3e3";
  private static final String INK = "#444";

  /** A point in data units. */
  record Point(double x, double y) {}

  /** A named line in one colour, optionally dashed and measured against the right-hand axis. */
  record Series(
      String name, String colour, List<Point> points, boolean dashed, boolean onRightAxis) {

    Series {
      points = List.copyOf(points);
    }

    static Series solid(String name, String colour, List<Point> points) {
      return new Series(name, colour, points, false, false);
    }
  }

  private final String title;
  private final Axis x;
  private final Axis y;
  private final Axis right;
  private final List<Series> series;

  private SvgChart(String title, Axis x, Axis y, Axis right, List<Series> series) {
    this.title = title;
    this.x = x;
    this.y = y;
    this.right = right;
    this.series = List.copyOf(series);
  }

  static SvgChart of(String title, Axis x, Axis y, List<Series> series) {
    return new SvgChart(title, x, y, null, series);
  }

  /** The same chart with a right-hand axis for the series that are {@link Series#onRightAxis()}. */
  SvgChart withRightAxis(Axis axis) {
    return new SvgChart(title, x, y, axis, series);
  }

  /** The {@code <svg>} element. */
  String svg() {
    List<List<Series>> legendRows = legendRows();
    int height = TOP + PLOT_HEIGHT + BELOW_PLOT + legendRows.size() * LEGEND_ROW;
    StringBuilder svg = new StringBuilder();
    svg.append("<svg viewBox=\"0 0 ")
        .append(WIDTH)
        .append(' ')
        .append(height)
        .append("\" width=\"")
        .append(WIDTH)
        .append("\" height=\"")
        .append(height)
        .append("\" role=\"img\" aria-label=\"")
        .append(Text.xml(title))
        .append("\" font-family=\"sans-serif\" font-size=\"11\" fill=\"")
        .append(INK)
        .append("\">\n")
        .append("<title>")
        .append(Text.xml(title))
        .append("</title>\n");
    text(svg, WIDTH / 2.0, 20, "middle", title, " font-size=\"13\" font-weight=\"bold\"");
    xAxis(svg);
    yAxis(svg, y, LEFT - 6, "end");
    if (right != null) {
      yAxis(svg, right, LEFT + plotWidth() + 6, "start");
    }
    frame(svg);
    lines(svg);
    legend(svg, legendRows);
    return svg.append("</svg>\n").toString();
  }

  private int plotWidth() {
    return WIDTH - LEFT - (right == null ? 24 : LEFT);
  }

  private double px(double value) {
    return LEFT + x.fraction(value) * plotWidth();
  }

  private double py(Axis axis, double value) {
    return TOP + PLOT_HEIGHT - axis.fraction(value) * PLOT_HEIGHT;
  }

  private void xAxis(StringBuilder svg) {
    for (Axis.Tick tick : x.ticks()) {
      double at = px(tick.value());
      line(svg, at, TOP, at, TOP + PLOT_HEIGHT, GRID, "");
      text(svg, at, TOP + PLOT_HEIGHT + 16, "middle", tick.label(), "");
    }
    text(svg, LEFT + plotWidth() / 2.0, TOP + PLOT_HEIGHT + 34, "middle", x.title(), "");
  }

  private void yAxis(StringBuilder svg, Axis axis, double labelX, String anchor) {
    for (Axis.Tick tick : axis.ticks()) {
      double at = py(axis, tick.value());
      if (axis == y) {
        line(svg, LEFT, at, LEFT + plotWidth(), at, GRID, "");
      }
      text(svg, labelX, at + 4, anchor, tick.label(), "");
    }
    double titleX = axis == y ? 14 : WIDTH - 8;
    double middle = TOP + PLOT_HEIGHT / 2.0;
    svg.append("<text x=\"")
        .append(coordinate(titleX))
        .append("\" y=\"")
        .append(coordinate(middle))
        .append("\" text-anchor=\"middle\" transform=\"rotate(-90 ")
        .append(coordinate(titleX))
        .append(' ')
        .append(coordinate(middle))
        .append(")\">")
        .append(Text.xml(axis.title()))
        .append("</text>\n");
  }

  private void frame(StringBuilder svg) {
    svg.append("<rect x=\"")
        .append(LEFT)
        .append("\" y=\"")
        .append(TOP)
        .append("\" width=\"")
        .append(plotWidth())
        .append("\" height=\"")
        .append(PLOT_HEIGHT)
        .append("\" fill=\"none\" stroke=\"#999\"/>\n");
  }

  private void lines(StringBuilder svg) {
    if (series.stream().allMatch(line -> line.points().isEmpty())) {
      text(svg, LEFT + plotWidth() / 2.0, TOP + PLOT_HEIGHT / 2.0, "middle", "no data", "");
      return;
    }
    for (Series line : series) {
      Axis axis = line.onRightAxis() && right != null ? right : y;
      List<String> points = new ArrayList<>();
      line.points()
          .forEach(p -> points.add(coordinate(px(p.x())) + "," + coordinate(py(axis, p.y()))));
      if (points.size() > 1) {
        svg.append("<polyline points=\"")
            .append(String.join(" ", points))
            .append("\" fill=\"none\" stroke=\"")
            .append(Text.xml(line.colour()))
            .append("\" stroke-width=\"2\"")
            .append(dash(line))
            .append(" stroke-linejoin=\"round\"/>\n");
      }
      if (points.size() <= MARKERS_UP_TO) {
        line.points().forEach(p -> marker(svg, px(p.x()), py(axis, p.y()), line.colour()));
      }
    }
  }

  private List<List<Series>> legendRows() {
    List<List<Series>> rows = new ArrayList<>();
    List<Series> row = new ArrayList<>();
    double used = 0;
    for (Series line : series) {
      double width = legendWidth(line);
      if (!row.isEmpty() && used + width > WIDTH - LEFT) {
        rows.add(row);
        row = new ArrayList<>();
        used = 0;
      }
      row.add(line);
      used += width;
    }
    if (!row.isEmpty()) {
      rows.add(row);
    }
    return rows;
  }

  private void legend(StringBuilder svg, List<List<Series>> rows) {
    double top = TOP + PLOT_HEIGHT + BELOW_PLOT;
    for (List<Series> row : rows) {
      double left = LEFT;
      for (Series line : row) {
        line(
            svg,
            left,
            top - 4,
            left + 18,
            top - 4,
            line.colour(),
            " stroke-width=\"3\"" + dash(line));
        text(svg, left + 24, top, "start", legendName(line), "");
        left += legendWidth(line);
      }
      top += LEGEND_ROW;
    }
  }

  private static String legendName(Series line) {
    return line.name().length() <= LEGEND_CHARS
        ? line.name()
        : line.name().substring(0, LEGEND_CHARS - 1) + "…";
  }

  private static double legendWidth(Series line) {
    return 24 + CHAR_WIDTH * legendName(line).length() + 16;
  }

  private static String dash(Series line) {
    return line.dashed() ? " stroke-dasharray=\"6 4\"" : "";
  }

  private static void line(
      StringBuilder svg, double x1, double y1, double x2, double y2, String colour, String extra) {
    svg.append("<line x1=\"")
        .append(coordinate(x1))
        .append("\" y1=\"")
        .append(coordinate(y1))
        .append("\" x2=\"")
        .append(coordinate(x2))
        .append("\" y2=\"")
        .append(coordinate(y2))
        .append("\" stroke=\"")
        .append(Text.xml(colour))
        .append('"')
        .append(extra)
        .append("/>\n");
  }

  private static void marker(StringBuilder svg, double cx, double cy, String colour) {
    svg.append("<circle cx=\"")
        .append(coordinate(cx))
        .append("\" cy=\"")
        .append(coordinate(cy))
        .append("\" r=\"2.5\" fill=\"")
        .append(Text.xml(colour))
        .append("\"/>\n");
  }

  private static void text(
      StringBuilder svg, double atX, double atY, String anchor, String content, String extra) {
    svg.append("<text x=\"")
        .append(coordinate(atX))
        .append("\" y=\"")
        .append(coordinate(atY))
        .append("\" text-anchor=\"")
        .append(anchor)
        .append('"')
        .append(extra)
        .append('>')
        .append(Text.xml(content))
        .append("</text>\n");
  }

  /**
   * One decimal, never NaN or infinite (callers only pass clamped values; this is the last guard).
   */
  private static String coordinate(double value) {
    return String.format(Locale.ROOT, "%.1f", Double.isFinite(value) ? value : 0);
  }
}
