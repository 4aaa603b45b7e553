namespace NeuralPipelines.Models.Generative.Pix2Pix;

/// <summary>What the colorizer's training loop tells its caller; <see cref="Save"/> is called after every epoch (never for
/// the untrained networks), then <see cref="Epoch"/> (a contact sheet is drawn there).</summary>
public sealed record ColorizerCallbacks
{
    public Action? Save { get; init; }
    public IProgress<ColorizerEpochReport>? Epoch { get; init; }
    public IProgress<ColorizerBatchProgress>? Batch { get; init; }
}
