namespace NeuralPipelines.Cli.Tests.Experiments;

/// <summary>One more figure a generator row's run documents: the judge's mean confidence (over all samples, or over those
/// it puts in class <see cref="Class"/>) on the checkpoint after <see cref="Epoch"/> epochs of the row's command (a
/// <c>--resume</c> chain ends on the same bits as an unbroken run) or of a <see cref="Branch"/> resumed from it, measured
/// by <c>np evaluate-generator</c> with <see cref="Options"/>; with <c>--real</c> there, the judge on real training images,
/// and with <see cref="OnTestImages"/> the judge on the test images, by <c>np eval</c>.</summary>
/// <param name="Table">Which of the doc's tables the figure is in, and its row (for failure messages).</param>
/// <param name="Branch">The run the checkpoint comes from; null: the row's own.</param>
/// <param name="Class">The judge's class the figure is for (<c>class_confidence</c>); null: the mean over all samples.</param>
/// <param name="Measures">The other figures the table's row gives for the same evaluation, by <c>np evaluate-generator
/// --json</c>'s key (<c>mmd2</c>, <c>most_to_least</c>, <c>lenet_fid</c>, <c>parzen_log_likelihood</c>); null or empty:
/// the row gives none.</param>
/// <param name="OnTestImages">The judge on the real test images (<c>np eval</c>'s confidence), not on samples.</param>
public sealed record DocumentedCheck(int Epoch, IReadOnlyList<string> Options, double MeanConfidence, string Table,
    DocumentedBranch? Branch = null, int? Class = null, IReadOnlyDictionary<string, double>? Measures = null, bool OnTestImages = false)
{
    /// <summary>The judge on real images: training images (<c>np evaluate-generator --real</c>) or the test images
    /// (<see cref="OnTestImages"/>); no generator, no epoch.</summary>
    public bool OnRealImages => Options.Contains("--real") || OnTestImages;

    public override string ToString() =>
        $"{(Branch is null ? "" : Branch.Name + " ")}epoch {Epoch} {string.Join(' ', Options)}{(Class is int c ? $" class {c}" : "")}: {MeanConfidence:F4} ({Table})";
}

/// <summary>A run the doc continued from a generator row's run (<see cref="Parent"/> null) or from another branch, after
/// <see cref="From"/> epochs of it, as <c>np train --resume … --epochs To</c> with <see cref="Options"/> (a new moving
/// average, a learning-rate decay), keeping every epoch (<c>--keep-epochs</c>) for the figures measured along it. From 0:
/// the row's command from scratch, <see cref="Options"/> replacing its own of the same name (another <c>--latent-mixture</c>).</summary>
public sealed record DocumentedBranch(string Name, DocumentedBranch? Parent, int From, int To, IReadOnlyList<string> Options)
{
    public int Depth => Parent is null ? 1 : Parent.Depth + 1;

    public override string ToString() => $"{Name} ({(Parent?.Name ?? "the row's run")} after {From} epochs, --epochs {To} {string.Join(' ', Options)})";
}
