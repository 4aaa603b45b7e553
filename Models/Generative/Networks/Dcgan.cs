using NeuralPipelines.Models.Init;
using NeuralPipelines.Models.Layers;
using NeuralPipelines.Models.Layers.Conv;

namespace NeuralPipelines.Models.Generative.Networks;

/// <summary>The DCGAN pair for 28×28 one-channel images (Radford, Metz and Chintala 2015, sized for MNIST), the same
/// networks as the libtorch peer's <c>gan</c> workload.</summary>
/// <remarks>
/// Every weight is drawn from N(0, 0.02²) as in the paper (<see cref="Initializer.Dcgan"/>); biases start at zero and
/// every layer keeps its bias, as PyTorch's defaults (and so the peer) do, even where a batch-norm follows and cancels it.
/// The generator ends in tanh, so real images are mapped to [−1, 1] before the discriminator sees them; the
/// discriminator ends in one logit, for <see cref="Losses.BceWithLogitsCost"/>.
/// </remarks>
public static class Dcgan
{
    /// <summary>The generator's output shape per example.</summary>
    public static readonly int[] ImageShape = [1, 28, 28];

    /// <summary>The channels of the 14×14 layers of both networks in the peer's DCGAN; its 7×7 layers have twice as many.</summary>
    public const int Features = 64;

    /// <summary>The widest networks taken, 16 times the peer's: the 7×7 layer's weights are then 2048×1024×4×4 (134 MB). A
    /// typo such as 100000 asked for a tensor of more elements than an array holds and failed naming no option.</summary>
    public const int MaxFeatures = 1024;

    /// <summary>z [noise] → Dense 6272 → BatchNorm1d → ReLU → 128×7×7 → ConvT 128→64 (4, s2, p1) → BatchNorm2d → ReLU
    /// → ConvT 64→1 (4, s2, p1) → tanh: [1×28×28] in [−1, 1].</summary>
    /// <param name="features">Channels of the 14×14 layer (64); the 7×7 layer has twice as many.</param>
    public static Sequential Generator(int noise = 64, int features = Features, int seed = 0)
    {
        if (noise <= 0 || features <= 0) throw new ArgumentException($"DCGAN generator needs positive sizes, got noise {noise}, features {features}.");
        var rng = new Random(seed);
        int wide = 2 * features, seeds = wide * 7 * 7;
        return new Sequential(
            // Nobody reads ∂C/∂z, so the first layer skips that product.
            new Dense(noise, seeds, Initializer.Dcgan, rng) { InputGradient = false },
            new BatchNorm1d(seeds),
            new ReLU(),
            new Reshape(wide, 7, 7),
            new ConvTranspose2d(wide, features, 4, stride: 2, padding: 1, init: Initializer.Dcgan, rng: rng),
            new BatchNorm2d(features),
            new ReLU(),
            new ConvTranspose2d(features, 1, 4, stride: 2, padding: 1, init: Initializer.Dcgan, rng: rng),
            new Tanh());
    }

    /// <summary>[1×28×28] → Conv 1→64 (4, s2, p1) → LeakyReLU 0.2 → Conv 64→128 (4, s2, p1) → BatchNorm2d → LeakyReLU 0.2
    /// → Flatten → Dense 6272→1: one logit per image (real vs generated).</summary>
    public static Sequential Discriminator(int features = Features, int seed = 0)
    {
        if (features <= 0) throw new ArgumentException($"DCGAN discriminator needs positive features, got {features}.");
        var rng = new Random(seed);
        int wide = 2 * features;
        return new Sequential(
            new Conv2d(1, features, 4, stride: 2, padding: 1, init: Initializer.Dcgan, rng: rng),
            new LeakyReLU(0.2f),
            new Conv2d(features, wide, 4, stride: 2, padding: 1, init: Initializer.Dcgan, rng: rng),
            new BatchNorm2d(wide),
            new LeakyReLU(0.2f),
            new Flatten(),
            new Dense(wide * 7 * 7, 1, Initializer.Dcgan, rng));
    }
}
