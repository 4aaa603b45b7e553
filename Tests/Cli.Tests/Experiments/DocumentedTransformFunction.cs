namespace NeuralPipelines.Cli.Tests.Experiments;

/// <summary>One row of the transform-function table of docs/EXPERIMENTS.md: a target, a method, the Kolmogorov–Smirnov
/// statistics of G's draws (n = 10,000 and its first 2,000) and the monotonicity the run found ("yes, decreasing", "no").</summary>
public sealed record DocumentedTransformFunction(string Target, string Method, double Ks, double KsAt2000, string Monotone)
{
    public string Id => $"transform-function {Target} {Method}";

    public override string ToString() => Id;
}
