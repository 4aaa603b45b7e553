namespace NeuralPipelines.Cli.Plots;

/// <summary>One named curve of a line plot: y against x, point by point.</summary>
public sealed record PlotSeries
{
    public PlotSeries(string name, IReadOnlyList<double> x, IReadOnlyList<double> y)
    {
        if (x.Count != y.Count) throw new ArgumentException($"Series '{name}' has {x.Count} x values but {y.Count} y values.");
        Name = name; X = x; Y = y;
    }

    public string Name { get; }
    public IReadOnlyList<double> X { get; }
    public IReadOnlyList<double> Y { get; }
}
