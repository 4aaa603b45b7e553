namespace NeuralPipelines.Cli.Tests.Experiments;

/// <summary>The colorization section's analysis of pix2pix against L1 alone at 64×64 (both with the paper's schedule):
/// how far pix2pix's chroma departs from the baseline's and whether towards the truth
/// (<see cref="Models.Generative.Evaluation.ChromaDeparture"/>), the frontier of blends between the two, and the fresh
/// discriminator's test accuracy (%) on each run's colorizations.</summary>
public sealed record DocumentedFrontier(DocumentedColorization Baseline, DocumentedColorization Model,
    double BaselineError, double Departure, double Correlation, double ModelError, double PsnrGap, IReadOnlyList<DocumentedBlend> Blends,
    double FreshBaseline, double FreshModel);

/// <summary>One column of the frontier table: chroma b + α(p − b) on the photo's own L.</summary>
public sealed record DocumentedBlend(double Alpha, double Psnr, double ColourfulnessRatio);
