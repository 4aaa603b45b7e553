namespace NeuralPipelines.Cli.Tests.Experiments;

/// <summary>One colorizer row of docs/EXPERIMENTS.md: the <c>np train colorize</c> command it was trained with and the PSNR
/// and colourfulness its table gives on the held-out photos (measured by <c>colorize-eval</c>, i.e. by
/// <see cref="Models.Generative.Evaluation.ColorizationMeasure"/>), with whatever else the section gives for it.</summary>
/// <param name="Run">The training command; its <c>--out</c> file name is what the table row names.</param>
/// <param name="TestFolder">The held-out photos: the <c>test/</c> folder of the command's <c>--data</c>.</param>
/// <param name="Start">For a <c>--resume</c> command, the from-scratch command whose checkpoint it continues (the rerun
/// trains that first); null for a command that trains from scratch.</param>
/// <param name="Fresh">The fresh discriminator's test accuracy (%) on its colorizations, where its table has that column.</param>
/// <param name="Departure">Its chroma's departure from its L1-alone baseline's, where the section measured it (the departure
/// table's row naming its checkpoint, or the λ table's gap and correlation).</param>
/// <param name="Baseline">That L1-alone run: the section's <c>--loss l1</c> command from scratch with the same size, width,
/// epochs and schedule; null where no departure is documented.</param>
/// <param name="Judge">The fresh-discriminator table's row naming its checkpoint, where there is one: all four figures.</param>
public sealed record DocumentedColorization(DocumentedRun Run, string TestFolder, double Psnr, double Colourfulness, DocumentedRun? Start = null,
    double? Fresh = null, DocumentedDeparture? Departure = null, DocumentedRun? Baseline = null, DocumentedJudge? Judge = null)
{
    public string Id => Run.Id;

    public override string ToString() => Id;
}

/// <summary>A pix2pix run's chroma against its L1-alone baseline's (<see cref="Models.Generative.Evaluation.ChromaDeparture"/>,
/// in scaled a*b* units): the baseline's error |b − t|², the departure |p − b|², its correlation with the truth's departure,
/// the model's error |p − t|², and the PSNR gap (dB). The λ table gives only the gap and the correlation (the rest NaN).</summary>
public sealed record DocumentedDeparture(double BaselineError, double Departure, double Correlation, double ModelError, double PsnrGap);

/// <summary>A fresh-discriminator table row (<see cref="Models.Generative.Evaluation.FreshDiscriminatorResult"/>, in percent):
/// balanced accuracy on the test photos, real test photos called real, colorized ones called colorized, and its training
/// accuracy over the last epoch.</summary>
public sealed record DocumentedJudge(double Accuracy, double RealCalledReal, double ColorizedCalledColorized, double TrainAccuracy);

/// <summary>A results table's grey floor: the photos' own L with a* = b* = 0 at <paramref name="Size"/>, measured on
/// <paramref name="TestFolder"/> (PSNR, SSIM, colourfulness), with the fresh discriminator's accuracy where the table gives
/// it and the judge table's grey row where there is one.</summary>
public sealed record DocumentedGreyFloor(string Id, int Size, string TestFolder, double Psnr, double Ssim, double Colourfulness,
    double? Fresh, DocumentedJudge? Judge)
{
    public override string ToString() => Id;
}
