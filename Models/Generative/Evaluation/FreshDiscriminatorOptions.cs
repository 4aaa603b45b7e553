namespace NeuralPipelines.Models.Generative.Evaluation;

/// <summary>How the fresh discriminator of <see cref="FreshDiscriminator"/> is built and trained. The defaults are the ones
/// docs/EXPERIMENTS.md reports: a judge small enough to train in a minute or two on a 2-core machine over the 4,975 training
/// photos of photos-64 at 32×32, and strong enough to tell grey photos from real ones almost always.</summary>
/// <param name="Width">Channels of the first convolution; the next two have 2× and 4× as many.</param>
/// <param name="Epochs">Passes over the 2·N training photos.</param>
/// <param name="BatchSize">Photos per Adam step.</param>
/// <param name="LearningRate">Adam's η (with β₁ 0.5, the pix2pix discriminator's own momentum); 5× pix2pix's 2e-4, because
/// the judge has a few epochs where a GAN's discriminator has the whole run.</param>
/// <param name="TrainCount">N, the photos taken from each side (real and colorized); null takes as many as the smaller side has.</param>
/// <param name="Seed">Seeds the weights and every shuffle, so the same photos give the same accuracy.</param>
public sealed record FreshDiscriminatorOptions(int Width = 16, int Epochs = 5, int BatchSize = 32, float LearningRate = 1e-3f,
    int? TrainCount = null, int Seed = 42)
{
    public void Validate()
    {
        if (Width <= 0) throw new ArgumentException($"The fresh discriminator needs a positive width, got {Width}.");
        if (Epochs <= 0) throw new ArgumentException($"The fresh discriminator needs at least one epoch, got {Epochs}.");
        if (BatchSize <= 0) throw new ArgumentException($"The fresh discriminator needs a positive batch size, got {BatchSize}.");
        if (!(LearningRate > 0) || float.IsInfinity(LearningRate)) throw new ArgumentException($"The fresh discriminator's learning rate must be positive, got {LearningRate}.");
        if (TrainCount is <= 0) throw new ArgumentException($"The fresh discriminator needs at least one training photo a side, got {TrainCount}.");
    }
}
