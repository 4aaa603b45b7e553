namespace NeuralPipelines.Pipelines.Linear;

/// <summary>What gradient descent found, and the mean squared error after each epoch on the way.</summary>
public sealed record GradientDescentResult(LinearModel Model, IReadOnlyList<double> EpochLosses, double LearningRate);
