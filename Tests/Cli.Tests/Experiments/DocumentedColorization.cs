namespace NeuralPipelines.Cli.Tests.Experiments;

/// <summary>One colorizer row of docs/EXPERIMENTS.md: the <c>np train colorize</c> command it was trained with and the PSNR
/// and colourfulness its table gives on the held-out photos (measured by <c>colorize-eval</c>, i.e. by
/// <see cref="Models.Generative.Evaluation.ColorizationMeasure"/>).</summary>
/// <param name="Run">The training command; its <c>--out</c> file name is what the table row names.</param>
/// <param name="TestFolder">The held-out photos: the <c>test/</c> folder of the command's <c>--data</c>.</param>
/// <param name="Start">For a <c>--resume</c> command, the from-scratch command whose checkpoint it continues (the rerun
/// trains that first); null for a command that trains from scratch.</param>
public sealed record DocumentedColorization(DocumentedRun Run, string TestFolder, double Psnr, double Colourfulness, DocumentedRun? Start = null)
{
    public string Id => Run.Id;

    public override string ToString() => Id;
}
