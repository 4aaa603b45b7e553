namespace NeuralPipelines.Cli.Tests.Experiments;

/// <summary>One generator row of docs/EXPERIMENTS.md: the <c>np train</c> command of the generator, the command of the
/// LeNet-5 that judges it, and the mean confidence of that judge on its samples that the row documents.</summary>
public sealed record DocumentedGenerator(string Id, DocumentedRun Generator, DocumentedRun Judge, double MeanConfidence)
{
    public override string ToString() => Id;
}
