using NeuralPipelines.Models.Settings;

namespace NeuralPipelines.Models.Losses;

/// <summary>Creates the cost of each <see cref="CostKind"/>; names are parsed only at the edges (command line, headers).</summary>
public static class LossFunctions
{
    public static IReadOnlyList<string> Names => SettingNames.Names<CostKind>();

    public static Loss Create(CostKind kind) => kind switch
    {
        CostKind.Quadratic => new QuadraticCost(),
        CostKind.CrossEntropy => new CrossEntropyCost(),
        CostKind.LogLikelihood => new LogLikelihoodCost(),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "not a cost"),
    };

    /// <summary>Parses a cost's name ("nll" is read as log-likelihood, as PyTorch users write it).</summary>
    public static CostKind Parse(string name) =>
        name.Trim().Equals("nll", StringComparison.OrdinalIgnoreCase) ? CostKind.LogLikelihood : SettingNames.Parse<CostKind>(name, "cost");
}
