namespace NeuralPipelines.Models.Losses;

/// <summary>Creates costs by the names used on the command line and in checkpoints.</summary>
public static class LossFunctions
{
    public static readonly string[] Names = ["quadratic", "cross-entropy", "log-likelihood"];

    public static Loss Create(string name) => name.ToLowerInvariant() switch
    {
        "quadratic" => new QuadraticCost(),
        "cross-entropy" or "crossentropy" => new CrossEntropyCost(),
        "log-likelihood" or "loglikelihood" or "nll" => new LogLikelihoodCost(),
        _ => throw new ArgumentException($"Unknown cost '{name}': use {string.Join(", ", Names)}."),
    };
}
