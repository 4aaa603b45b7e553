namespace NeuralPipelines.Cli.Plots;

/// <summary>One panel of a figure: a title, axis labels and the series drawn in it. The legend sits in the upper right
/// corner, or the lower right for rising curves such as accuracy, where the upper right is where the curves end.</summary>
public sealed record LinePanel(string Title, string XLabel, string YLabel, IReadOnlyList<PlotSeries> Series, bool LegendLowerRight = false);
