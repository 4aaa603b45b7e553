using NeuralPipelines.Models.Generative.TransformFunction;
using ScottPlot;

namespace NeuralPipelines.Benchmarks.Generative;

/// <summary>One PNG per target: left, each method's learned G(u) beside the exact F⁻¹(u); right, histograms of G's draws
/// over the target density.</summary>
public static class TransformFunctionPlot
{
    private static readonly Color[] MethodColors = [Colors.DodgerBlue, Colors.OrangeRed];

    public static void Write(string path, TransformTarget target, IReadOnlyList<TransformFunctionResult> results)
    {
        var curves = results[0].Curves;
        var left = new Plot();
        left.Title($"{target.Name}: learned G(u) and the exact F⁻¹(u)");
        left.XLabel("u");
        left.YLabel("x");
        var exact = left.Add.ScatterLine(curves.U, curves.Quantile, Colors.Black);
        exact.LineWidth = 2;
        exact.LegendText = "F⁻¹(u)";
        // A decreasing G is the other transform function, u ↦ F⁻¹(1 − u): draw it too so the comparison can be seen.
        if (results.Any(r => r.ComparedWithReflectedQuantile))
        {
            var reflected = left.Add.ScatterLine(curves.U, curves.Quantile.Reverse().ToArray(), Colors.Gray);
            reflected.LinePattern = LinePattern.Dashed;
            reflected.LegendText = "F⁻¹(1 − u)";
        }
        var right = new Plot();
        right.Title($"{target.Name}: draws of G(u) over the target density");
        right.XLabel("x");
        right.YLabel("density");
        var density = right.Add.ScatterLine(curves.DensityX, curves.Density, Colors.Black);
        density.LineWidth = 2;
        density.LegendText = "target density";
        for (int i = 0; i < results.Count; i++)
        {
            var r = results[i];
            var g = left.Add.ScatterLine(r.Curves.U, r.Curves.Generator, MethodColors[i % MethodColors.Length]);
            g.LineWidth = 2;
            g.LegendText = $"G, {TransformFunctionCommand.Method(r.Method)} ({Shape(r.Monotonicity)})";
            var (x, y) = Steps(r.Curves.HistogramCenters, r.Curves.HistogramDensity);
            var h = right.Add.ScatterLine(x, y, MethodColors[i % MethodColors.Length]);
            h.LegendText = $"{TransformFunctionCommand.Method(r.Method)}: KS {r.Ks:F3} (n = {r.Draws})";
        }
        left.ShowLegend(Alignment.UpperLeft);
        right.ShowLegend(Alignment.UpperRight);
        var figure = new Multiplot(left);
        figure.AddPlot(right);
        figure.Layout = new ScottPlot.MultiplotLayouts.Columns();
        // Written beside the target and renamed over it: a failed run leaves the previous figure whole.
        string temporary = path + ".tmp.png";
        figure.SavePng(temporary, 1400, 520);
        File.Move(temporary, path, overwrite: true);
    }

    private static string Shape(Monotonicity m) => m switch
    {
        Monotonicity.Increasing => "increasing",
        Monotonicity.Decreasing => "decreasing",
        _ => "not monotone",
    };

    /// <summary>A histogram as a step outline: each bin's value held across its width.</summary>
    private static (double[] X, double[] Y) Steps(double[] centers, double[] values)
    {
        double width = centers.Length > 1 ? centers[1] - centers[0] : 1;
        var x = new double[2 * centers.Length];
        var y = new double[2 * centers.Length];
        for (int i = 0; i < centers.Length; i++)
        {
            x[2 * i] = centers[i] - width / 2;
            x[2 * i + 1] = centers[i] + width / 2;
            y[2 * i] = y[2 * i + 1] = values[i];
        }
        return (x, y);
    }
}
