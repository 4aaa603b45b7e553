namespace NeuralPipelines.Models.Optimizers;

/// <summary>Which optimiser and its hyperparameters (the learning rate is the schedule's, not the optimiser's).</summary>
/// <param name="Kind">"sgd" or "adam".</param>
/// <param name="Momentum">SGD momentum μ (0 = plain SGD).</param>
public sealed record OptimizerSettings(string Kind = "sgd", float Momentum = 0f, float Beta1 = 0.9f, float Beta2 = 0.999f, float Epsilon = 1e-8f)
{
    public static readonly string[] Kinds = ["sgd", "adam"];
}
