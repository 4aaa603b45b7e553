namespace NeuralPipelines.Models.Training;

/// <summary>The loss became NaN or infinite: training stopped, and the checkpoint file (if any) still holds the last good epoch.</summary>
public sealed class TrainingDivergedException(string message) : Exception(message);
