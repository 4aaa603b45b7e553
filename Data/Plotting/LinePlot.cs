using System.Globalization;
using SixLabors.ImageSharp.PixelFormats;

namespace NeuralPipelines.Data.Plotting;

/// <summary>One panel of x–y line series with axes, ticks, labels and a legend.</summary>
public sealed class LinePlot
{
    private readonly List<Series> _series = [];

    public string Title { get; set; } = "";
    public string XLabel { get; set; } = "";
    public string YLabel { get; set; } = "";
    /// <summary>Plot y on a base-10 logarithmic axis (values ≤ 0 are skipped).</summary>
    public bool LogY { get; set; }
    /// <summary>Smallest distance between x ticks (1 for epochs, so no tick falls between two).</summary>
    public double MinXStep { get; set; }
    /// <summary>Put the legend in the lower right corner (for rising curves such as accuracy) instead of the upper right.</summary>
    public bool LegendBottom { get; set; }

    public IReadOnlyList<Series> AllSeries => _series;

    public LinePlot Add(string name, double[] x, double[] y, Rgba32? color = null, bool markers = true)
    {
        if (x.Length != y.Length) throw new ArgumentException($"Series '{name}' has {x.Length} x values but {y.Length} y values.");
        _series.Add(new Series(name, x, y, color ?? PlotColors.Cycle[_series.Count % PlotColors.Cycle.Length], markers));
        return this;
    }

    public sealed record Series(string Name, double[] X, double[] Y, Rgba32 Color, bool Markers);

    /// <summary>Draws the panel into the rectangle (left, top, width, height) of <paramref name="canvas"/>.</summary>
    public void Draw(Canvas canvas, int left, int top, int width, int height)
    {
        const int scale = 2, ml = 70, mr = 16, mt = 30, mb = 46;
        int x0 = left + ml, y0 = top + mt, w = width - ml - mr, h = height - mt - mb;
        canvas.Text(left + (width - PixelFont.Measure(Title, scale)) / 2, top + 8, Title, PlotColors.Black, scale);

        double Ty(double v) => LogY ? Math.Log10(v) : v;
        var xs = _series.SelectMany(s => s.X).Where(double.IsFinite).ToArray();
        var ys = _series.SelectMany(s => s.Y).Where(v => double.IsFinite(v) && (!LogY || v > 0)).Select(Ty).ToArray();
        var (xMin, xMax) = Range(xs);
        var (yMin, yMax) = Range(ys);
        var xTicks = Ticks(xMin, xMax, 8, MinXStep); var yTicks = LogY ? LogTicks(yMin, yMax) : Ticks(yMin, yMax, 6);
        xMin = Math.Min(xMin, xTicks[0]); xMax = Math.Max(xMax, xTicks[^1]);
        yMin = Math.Min(yMin, yTicks[0]); yMax = Math.Max(yMax, yTicks[^1]);
        double Px(double v) => x0 + (v - xMin) / (xMax - xMin) * w;
        double Py(double v) => y0 + h - (v - yMin) / (yMax - yMin) * h;

        foreach (var t in yTicks)
        {
            int py = (int)Math.Round(Py(t));
            canvas.Line(x0, py, x0 + w, py, PlotColors.Grey);
            string label = LogY ? "1E" + t.ToString("0", CultureInfo.InvariantCulture) : Format(t);
            canvas.Text(x0 - 6 - PixelFont.Measure(label, scale), py - 5, label, PlotColors.Black, scale);
        }
        foreach (var t in xTicks)
        {
            int px = (int)Math.Round(Px(t));
            canvas.Line(px, y0, px, y0 + h, PlotColors.Grey);
            string label = Format(t);
            canvas.Text(px - PixelFont.Measure(label, scale) / 2, y0 + h + 6, label, PlotColors.Black, scale);
        }
        canvas.Line(x0, y0, x0, y0 + h, PlotColors.Black);
        canvas.Line(x0, y0 + h, x0 + w, y0 + h, PlotColors.Black);
        canvas.Text(x0 + (w - PixelFont.Measure(XLabel, scale)) / 2, y0 + h + 24, XLabel, PlotColors.Black, scale);
        canvas.TextUp(left + 6, y0 + (h + PixelFont.Measure(YLabel, scale)) / 2, YLabel, PlotColors.Black, scale);

        foreach (var s in _series)
        {
            (double X, double Y)? previous = null;
            for (int i = 0; i < s.X.Length; i++)
            {
                if (!double.IsFinite(s.X[i]) || !double.IsFinite(s.Y[i]) || (LogY && s.Y[i] <= 0)) { previous = null; continue; }
                var p = (X: Px(s.X[i]), Y: Py(Ty(s.Y[i])));
                if (previous is var (qx, qy)) canvas.Line(qx, qy, p.X, p.Y, s.Color, 2);
                if (s.Markers) canvas.FillRectangle((int)p.X - 2, (int)p.Y - 2, 5, 5, s.Color);
                previous = p;
            }
        }

        // Legend, top right inside the axes.
        int lx = x0 + w - 8 - _series.Select(s => PixelFont.Measure(s.Name, scale)).DefaultIfEmpty(0).Max() - 28;
        int ly = LegendBottom ? y0 + h - 8 - 18 * _series.Count : y0 + 8;
        foreach (var s in _series)
        {
            canvas.FillRectangle(lx - 4, ly - 3, 28 + PixelFont.Measure(s.Name, scale) + 8, 16, PlotColors.White);
            canvas.Line(lx, ly + 5, lx + 20, ly + 5, s.Color, 3);
            canvas.Text(lx + 26, ly, s.Name, PlotColors.Black, scale);
            ly += 18;
        }
    }

    private static (double, double) Range(double[] v)
    {
        if (v.Length == 0) return (0, 1);
        double lo = v.Min(), hi = v.Max();
        if (hi - lo < 1e-12) { lo -= 0.5; hi += 0.5; }
        return (lo, hi);
    }

    /// <summary>Round tick values (1, 2 or 5 × 10ᵏ apart) covering [lo, hi].</summary>
    public static double[] Ticks(double lo, double hi, int target, double minStep = 0)
    {
        double raw = Math.Max((hi - lo) / Math.Max(1, target), minStep), mag = Math.Pow(10, Math.Floor(Math.Log10(raw)));
        double step = new[] { 1.0, 2.0, 5.0, 10.0 }.Select(f => f * mag).First(s => s >= raw);
        double first = Math.Floor(lo / step) * step, last = Math.Ceiling(hi / step) * step;
        var ticks = new List<double>();
        for (double t = first; t <= last + step / 2; t += step) ticks.Add(Math.Abs(t) < step * 1e-9 ? 0 : t);
        return ticks.ToArray();
    }

    private static double[] LogTicks(double lo, double hi)
    {
        int a = (int)Math.Floor(lo), b = (int)Math.Ceiling(hi);
        if (a == b) b++;
        return Enumerable.Range(a, b - a + 1).Select(i => (double)i).ToArray();
    }

    private static string Format(double v) => v.ToString("G4", CultureInfo.InvariantCulture);
}
