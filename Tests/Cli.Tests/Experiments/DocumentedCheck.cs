namespace NeuralPipelines.Cli.Tests.Experiments;

/// <summary>One more figure a generator row's run documents: the judge's mean confidence on the checkpoint after
/// <see cref="Epoch"/> epochs of the same command (a <c>--resume</c> chain ends on the same bits as an unbroken run),
/// measured by <c>np evaluate-generator</c> with <see cref="Options"/>.</summary>
/// <param name="Table">Which of the doc's tables the figure is in, and its row (for failure messages).</param>
public sealed record DocumentedCheck(int Epoch, IReadOnlyList<string> Options, double MeanConfidence, string Table)
{
    public override string ToString() => $"epoch {Epoch} {string.Join(' ', Options)}: {MeanConfidence:F4} ({Table})";
}
