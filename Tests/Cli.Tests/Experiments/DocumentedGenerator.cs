namespace NeuralPipelines.Cli.Tests.Experiments;

/// <summary>One generator row of docs/EXPERIMENTS.md: the <c>np train</c> command of the generator, the command of the
/// LeNet-5 that judges it, and the mean confidence of that judge on its samples that the row documents.</summary>
/// <param name="Sampling">The <c>np evaluate-generator</c> options the row was measured with, from the backticks in its
/// name cell (<c>| GAN, mixture of 20, `--component-sd 0.4` |</c>); empty for the rows that measured the raw generator.</param>
/// <param name="Along">The other figures the doc gives for the same run: other epochs of it, other sampling options
/// (<see cref="ExperimentsDocument.ChecksAlong"/>), and the judge on real training images (the table's "real training
/// images" row, through <c>--real</c>).</param>
/// <param name="Measures">The row's other figures by <c>np evaluate-generator --json</c>'s key (MMD², most ÷ least, LeNet
/// FID, Parzen log-likelihood; see <see cref="DocumentedCheck.Measures"/>).</param>
public sealed record DocumentedGenerator(string Id, DocumentedRun Generator, DocumentedRun Judge, double MeanConfidence, IReadOnlyList<string> Sampling,
    IReadOnlyList<DocumentedCheck> Along, IReadOnlyDictionary<string, double> Measures)
{
    /// <summary>What <c>np evaluate-generator</c> is given besides the model, judge and data: the row's own options, or
    /// <c>--generator raw</c> for the rows that measured raw generators.</summary>
    public IReadOnlyList<string> EvaluationOptions => Sampling.Count > 0 ? Sampling : ["--generator", "raw"];

    public override string ToString() => Id;
}
