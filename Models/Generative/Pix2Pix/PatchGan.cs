using NeuralPipelines.Models.Init;
using NeuralPipelines.Models.Layers;
using NeuralPipelines.Models.Layers.Conv;

namespace NeuralPipelines.Models.Generative.Pix2Pix;

/// <summary>The pix2pix discriminator: a PatchGAN that gives one real-or-fake logit per overlapping patch of its input
/// (the grey photo L concatenated with a colouring ab), so it judges local texture and colour, and L1 keeps the whole.</summary>
/// <remarks>
/// <para>Conv 4×4 s2 (ndf) LeakyReLU 0.2, then n−1 × [Conv 4×4 s2 BatchNorm LeakyReLU] doubling the width up to 8ndf,
/// then Conv 4×4 s1 BatchNorm LeakyReLU, then Conv 4×4 s1 → 1 channel; padding 1 everywhere. Convolutions before a
/// batch-norm have no bias. Weights N(0, 0.02²).</para>
/// <para>Receptive field (r_in = (r_out − 1)·stride + 4 from the logit back): 70×70 for n_layers 3 (the paper's "70×70
/// PatchGAN", which at its 256×256 inputs sees a quarter of the image across), 34 for 2, 16 for 1, 142 for 4. At our 64×64
/// inputs the 70-pixel field is larger than the photo: each of the 6×6 logits sees the whole (padded) photo, centred on a
/// different place, so n_layers 3 is close to an image-level GAN here; n_layers 2 (34×34 field, 14×14 logits) is the
/// paper's patch-to-image ratio.</para>
/// </remarks>
public static class PatchGan
{
    /// <summary>The side of the square of input pixels one logit depends on.</summary>
    public static int ReceptiveField(int nLayers)
    {
        if (nLayers < 1) throw new ArgumentException($"PatchGAN needs n_layers ≥ 1, got {nLayers}.");
        int r = 1;
        r = (r - 1) * 1 + 4; // the last conv, stride 1
        r = (r - 1) * 1 + 4; // the stride-1 conv with batch-norm
        for (int i = 0; i < nLayers; i++) r = (r - 1) * 2 + 4; // the stride-2 convs
        return r;
    }

    /// <summary>The deepest PatchGAN a <paramref name="size"/>-pixel square fits: each of the n_layers stride-2
    /// convolutions halves the side, and the two stride-1 4×4 convolutions (padding 1) that follow need a side of 3 to
    /// leave one logit; 3 at 32 pixels, 4 at 64, 5 at 128.</summary>
    public static int MaxLayers(int size)
    {
        int n = 0;
        while ((size >> (n + 1)) >= 3) n++;
        return n;
    }

    public static Sequential Build(int inChannels = 3, int ndf = 64, int nLayers = 3, int seed = 0)
    {
        if (inChannels <= 0 || ndf <= 0) throw new ArgumentException($"PatchGAN needs positive channel counts, got in {inChannels}, ndf {ndf}.");
        ReceptiveField(nLayers);
        var rng = new Random(seed);
        // Neither the real nor the generated pair needs ∂C/∂(pair) in D's own step; G's step turns it back on.
        var layers = new List<Layer> { new Conv2d(inChannels, ndf, 4, stride: 2, padding: 1, init: Initializer.Dcgan, rng: rng), new LeakyReLU(0.2f) };
        int width = ndf;
        for (int n = 1; n <= nLayers; n++)
        {
            int next = ndf * Math.Min(1 << n, 8);
            int stride = n < nLayers ? 2 : 1;
            layers.Add(new Conv2d(width, next, 4, stride: stride, padding: 1, bias: false, init: Initializer.Dcgan, rng: rng));
            layers.Add(new BatchNorm2d(next));
            layers.Add(new LeakyReLU(0.2f));
            width = next;
        }
        layers.Add(new Conv2d(width, 1, 4, stride: 1, padding: 1, init: Initializer.Dcgan, rng: rng));
        return new Sequential(layers);
    }
}
