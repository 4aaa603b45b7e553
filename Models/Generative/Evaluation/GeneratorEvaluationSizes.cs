namespace NeuralPipelines.Models.Generative.Evaluation;

/// <summary>How many images each measure of <see cref="GeneratorEvaluator"/> takes. The defaults are issue 10's: MMD² on
/// 2,000 samples against 2,000 test images; the classifier's figures and the Parzen window on 10,000 samples; σ chosen
/// on the last 1,000 training images (never among the real row's samples).</summary>
public sealed record GeneratorEvaluationSizes
{
    public int MmdSamples { get; init; } = 2000;
    public int Samples { get; init; } = 10_000;
    public int ValidationImages { get; init; } = 1000;
    /// <summary>Images per forward pass of the classifier.</summary>
    public int BatchSize { get; init; } = 500;
}
