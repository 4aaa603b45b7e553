using NeuralPipelines.Data.IO;
using ScottPlot;

namespace NeuralPipelines.Cli.Plots;

/// <summary>Draws panels of named line series side by side with ScottPlot and writes them as one PNG.</summary>
public static class LinePlotPng
{
    public const int PanelWidth = 640, PanelHeight = 440;

    // Series with at most this many points get a marker per point: epochs are discrete, and a marker shows where each was
    // measured; denser curves (a fitted function, losses per step) read better as plain lines.
    private const int MarkersUpTo = 50;

    /// <summary>The PNG bytes of <paramref name="panels"/> laid out in one row, each panel <paramref name="panelWidth"/> ×
    /// <paramref name="panelHeight"/> pixels.</summary>
    public static byte[] Render(IReadOnlyList<LinePanel> panels, int panelWidth = PanelWidth, int panelHeight = PanelHeight)
    {
        if (panels.Count == 0) throw new ArgumentException("A figure needs at least one panel.");
        var plots = panels.Select(Draw).ToArray();
        if (plots.Length == 1) return plots[0].GetImageBytes(panelWidth, panelHeight, ImageFormat.Png);
        var figure = new Multiplot(plots[0]) { Layout = new ScottPlot.MultiplotLayouts.Columns() };
        foreach (var plot in plots.Skip(1)) figure.AddPlot(plot);
        using var image = figure.Render(panelWidth * plots.Length, panelHeight);
        return image.GetImageBytes(ImageFormat.Png, 100);
    }

    /// <summary>Writes the figure to <paramref name="path"/> atomically: a reader sees the old file or the whole new one,
    /// and a failed write leaves nothing behind.</summary>
    public static void Write(string path, IReadOnlyList<LinePanel> panels, int panelWidth = PanelWidth, int panelHeight = PanelHeight) =>
        AtomicFile.WriteAllBytes(path, Render(panels, panelWidth, panelHeight));

    private static Plot Draw(LinePanel panel)
    {
        var plot = new Plot();
        plot.Title(panel.Title);
        plot.XLabel(panel.XLabel);
        plot.YLabel(panel.YLabel);
        foreach (var series in panel.Series)
        {
            var line = plot.Add.Scatter(series.X.ToArray(), series.Y.ToArray());
            line.LegendText = series.Name;
            line.LineWidth = 2;
            line.MarkerSize = series.X.Count <= MarkersUpTo ? 6 : 0;
        }
        // Epochs and steps are whole numbers: a tick at 1.5 would name an epoch that never happened.
        if (panel.Series.All(s => s.X.All(x => x == Math.Round(x))))
            plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic { IntegerTicksOnly = true };
        if (panel.Series.Count > 0)
            plot.ShowLegend(panel.LegendLowerRight ? Alignment.LowerRight : Alignment.UpperRight);
        return plot;
    }
}
