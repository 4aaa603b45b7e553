using NeuralPipelines.Cli.Plots;
using NeuralPipelines.Tests;
using Xunit.Abstractions;

namespace NeuralPipelines.Cli.Tests.Experiments;

/// <summary>Universality (Nielsen ch. 4): one hidden sigmoid layer fits a 1-D function, better as it grows wider.</summary>
public class UniversalityTests(ITestOutputHelper output)
{
    [Fact]
    public void Error_falls_as_the_hidden_layer_grows_and_the_plot_is_written()
    {
        int[] widths = [2, 5, 10, 20];
        var fits = widths.Select(w => FunctionFit.Fit(FunctionFit.SineTarget, w)).ToArray();
        foreach (var f in fits) output.WriteLine($"width {f.Width,2}: mean squared error {f.MeanSquaredError:E3}");
        for (int i = 1; i < fits.Length; i++)
            Assert.True(fits[i].MeanSquaredError < fits[i - 1].MeanSquaredError,
                $"width {fits[i].Width} error {fits[i].MeanSquaredError:E3} is not below width {fits[i - 1].Width}'s {fits[i - 1].MeanSquaredError:E3}");
        Assert.True(fits[^1].MeanSquaredError < 1e-3, $"width 20 error {fits[^1].MeanSquaredError:E3}");

        // NP_WRITE_DOCS=1 writes the figure into docs/plots; otherwise into a temporary folder, so the test still draws it.
        using var temp = new TempFolder();
        string folder = Environment.GetEnvironmentVariable("NP_WRITE_DOCS") == "1" ? Directory.CreateDirectory(Repository.Doc("plots")).FullName : temp.Path;
        string path = Path.Combine(folder, "universality.png");
        var grid = fits[0].X;
        var curves = new LinePanel("0.5 + 0.4 sin(6πx), one hidden sigmoid layer", "x", "f(x)",
            [new PlotSeries("target", grid, grid.Select(FunctionFit.SineTarget).ToArray()), .. fits.Select(f => new PlotSeries($"{f.Width} neurons", f.X, f.Y))]);
        // The errors span three decades: their logarithm keeps the small ones readable.
        var error = new LinePanel("error falls with width", "hidden neurons", "log₁₀ mean squared error",
            [new PlotSeries("mse", widths.Select(w => (double)w).ToArray(), fits.Select(f => Math.Log10(f.MeanSquaredError)).ToArray())]);
        LinePlotPng.Write(path, [curves, error]);
        Assert.True(new FileInfo(path).Length > 1000);
        output.WriteLine($"plot: {path}");
    }
}
