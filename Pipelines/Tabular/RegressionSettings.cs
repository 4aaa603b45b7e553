namespace NeuralPipelines.Pipelines.Tabular;

/// <summary>Options for <see cref="TabularRegression.Train"/>.</summary>
public sealed record RegressionSettings
{
    public RegressionMethod Method { get; init; } = RegressionMethod.ClosedForm;

    /// <summary>Ridge λ for <see cref="RegressionMethod.Ridge"/>.</summary>
    public double Lambda { get; init; } = 1.0;

    /// <summary>Gradient descent's learning rate η (features standardised).</summary>
    public double LearningRate { get; init; } = 0.3;

    /// <summary>Gradient descent's number of full passes (ML.NET's iterative trainers use their own defaults).</summary>
    public int Epochs { get; init; } = 3000;

    /// <summary>Seed for ML.NET's trainers.</summary>
    public int Seed { get; init; } = 1;
}
