using Microsoft.ML;
using NeuralPipelines.Pipelines.Linear;

namespace NeuralPipelines.Pipelines.Tabular;

/// <summary>A fitted regression pipeline, the linear model it amounts to on the raw columns, and its input schema (for saving).</summary>
public sealed record RegressionRun(ITransformer Pipeline, DataViewSchema InputSchema, LinearModel Model, RegressionSettings Settings)
{
    /// <summary>Per-epoch losses when the method was gradient descent.</summary>
    public GradientDescentResult? GradientDescent { get; init; }
}
