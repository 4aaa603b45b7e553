using NeuralPipelines.Models.Init;
using NeuralPipelines.Models.Layers;
using NeuralPipelines.Models.Layers.Conv;

namespace NeuralPipelines.Models.Generative.Pix2Pix;

/// <summary>The pix2pix generator (Isola et al. 2017): a U-Net of <see cref="UNetSkipBlock"/>s nested one in the other,
/// each halving the image on the way down and doubling it on the way up, until the innermost works on 1×1.</summary>
/// <remarks>
/// <para>Level k (0 outermost) goes from ngf·min(2ᵏ⁻¹, 8) channels to ngf·min(2ᵏ, 8): ngf, 2ngf, 4ngf, then 8ngf for every
/// level further in. Down = [LeakyReLU 0.2] Conv 4×4 s2 p1 [BatchNorm]; up = ReLU ConvTranspose 4×4 s2 p1, then BatchNorm
/// [Dropout 0.5] or, at the outermost level, tanh. Brackets: absent at the outermost level (its input is the photo, not an
/// activation), batch-norm absent at the innermost (1×1, batch statistics of a single pixel), dropout on the non-innermost
/// levels whose both sides are 8ngf wide (pix2pix's noise: the generator's only source of randomness).</para>
/// <para>As the reference implementation and the libtorch peer: every convolution beside a batch-norm has no bias (the
/// norm's β replaces it), the innermost down convolution has none either; only the outermost convolutions do. Weights
/// N(0, 0.02²). At 64×64 that is 6 levels and, for ngf 64, 29,240,002 parameters (32,005,635 with the PatchGAN: the peer's count).</para>
/// </remarks>
public static class UNet
{
    /// <summary>Levels for a square image of <paramref name="size"/> pixels: log₂ size, down to 1×1.</summary>
    /// <exception cref="ArgumentException">The size is not a power of two of at least 4.</exception>
    public static int Levels(int size)
    {
        if (size < 4 || (size & (size - 1)) != 0) throw new ArgumentException($"The U-Net needs a power-of-two image size of at least 4, got {size}.");
        return System.Numerics.BitOperations.Log2((uint)size);
    }

    /// <summary>The U-Net for <paramref name="size"/>×<paramref name="size"/> images, <paramref name="inChannels"/> in
    /// (L: 1), <paramref name="outChannels"/> out (ab: 2) through tanh.</summary>
    public static UNetSkipBlock Build(int size = 64, int inChannels = 1, int outChannels = 2, int ngf = 64, int seed = 0, float dropout = 0.5f)
    {
        if (inChannels <= 0 || outChannels <= 0 || ngf <= 0)
            throw new ArgumentException($"The U-Net needs positive channel counts, got in {inChannels}, out {outChannels}, ngf {ngf}.");
        int levels = Levels(size);
        var rng = new Random(seed);
        int Width(int k) => ngf * Math.Min(1 << k, 8);
        UNetSkipBlock? block = null;
        for (int k = levels - 1; k >= 0; k--)
        {
            bool outermost = k == 0, innermost = k == levels - 1;
            int outer = outermost ? inChannels : Width(k - 1), inner = Width(k);
            var down = new List<Layer>();
            if (!outermost) down.Add(new LeakyReLU(0.2f));
            // The photo's ∂C/∂x is never read: the outermost convolution skips that product.
            down.Add(new Conv2d(outer, inner, 4, stride: 2, padding: 1, bias: outermost, init: Initializer.Dcgan, rng: rng) { InputGradient = !outermost });
            if (!outermost && !innermost) down.Add(new BatchNorm2d(inner));
            var up = new List<Layer> { new ReLU() };
            int upIn = innermost ? inner : 2 * inner;
            if (outermost)
            {
                up.Add(new ConvTranspose2d(upIn, outChannels, 4, stride: 2, padding: 1, init: Initializer.Dcgan, rng: rng));
                up.Add(new Tanh());
            }
            else
            {
                up.Add(new ConvTranspose2d(upIn, outer, 4, stride: 2, padding: 1, bias: false, init: Initializer.Dcgan, rng: rng));
                up.Add(new BatchNorm2d(outer));
                if (!innermost && outer == 8 * ngf && dropout > 0) up.Add(new Dropout(dropout));
            }
            block = new UNetSkipBlock(new Sequential(down), block, new Sequential(up), outermost);
        }
        return block!;
    }
}
