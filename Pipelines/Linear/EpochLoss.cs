namespace NeuralPipelines.Pipelines.Linear;

/// <summary>The training loss (mean squared error) after one epoch of gradient descent.</summary>
public readonly record struct EpochLoss(int Epoch, double MeanSquaredError);
