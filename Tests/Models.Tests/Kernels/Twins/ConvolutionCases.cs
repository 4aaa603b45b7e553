using NeuralPipelines.Models.Kernels;

namespace NeuralPipelines.Models.Tests.Kernels.Twins;

/// <summary>One convolution problem of the sweep: the geometry, and inputs for each product (x, w, b for the output; x, δ
/// and a non-zero starting ∂C/∂w for the weight gradient, which accumulates; δ and w for ∂C/∂x; a column matrix to fold).</summary>
public sealed record ConvolutionProblem(Im2ColGeometry G, int Batch, int OutChannels, float[] X, float[] W, float[] B, float[] Dy,
    float[] Start, float[] Columns)
{
    public ConvolutionGeometry S => new(Batch, OutChannels, G);
}

/// <summary>What a convolution kernel computes, each with the same plain twin whatever route computes it.</summary>
public enum ConvolutionProduct
{
    /// <summary>y = w ⋆ x + b (twin: <see cref="DirectConv2dReference.Forward"/>).</summary>
    Forward,
    /// <summary>∂C/∂w += δ ⋆ x (twin: <see cref="DirectConv2dReference.WeightGradient"/>).</summary>
    WeightGradient,
    /// <summary>∂C/∂x = wᵀ ⋆ δ (twin: <see cref="DirectConv2dReference.InputGradient"/>).</summary>
    InputGradient,
    /// <summary>im2col (twin: <see cref="Im2ColReference.Unfold"/>), the same bits.</summary>
    Unfold,
    /// <summary>col2im (twin: <see cref="Im2ColReference.Fold"/>).</summary>
    Fold,
}

/// <summary>One entry point of a kernel: which product it computes, how to call it (writing into the array it is given:
/// NaN everywhere, or the starting ∂C/∂w), and which problems it takes (its <c>Suits</c>, read at the width in force).</summary>
public sealed record ConvolutionRoute(ConvolutionProduct Product, Action<ConvolutionProblem, float[]> Run, Func<ConvolutionProblem, bool>? Takes = null);

/// <summary>Convolution kernels against the definitions on geometries chosen to break them: 1×1 and kernels larger than
/// the image, strides 2 and 3, dilation, uneven padding, rows narrower than, equal to and just over a vector, output
/// channels off the register tiles (1, 3, 5, 6, 9, 13), 4×4 stride 2 from 1024 taps (DCGAN) down to the U-Net's 2×2 → 1×1
/// (cropped taps), rows past the phase fold's 64, one image and batches that cut unevenly into chunks. Errors are judged
/// against the sum of the absolute terms, as the GEMM's are.</summary>
public static class ConvolutionCases
{
    // C, H, W, kH, kW, sH, sW, pH, pW, dH, dW, out channels, batch.
    public static readonly int[][] Shapes =
    [
        [1, 28, 28, 5, 5, 1, 1, 2, 2, 1, 1, 6, 4],       // LeNet's first layer: six channels in tiles of four or eight
        [6, 14, 14, 5, 5, 1, 1, 0, 0, 1, 1, 16, 3],      // LeNet's second: 10-pixel rows
        [16, 28, 28, 3, 3, 1, 1, 1, 1, 1, 1, 16, 2],     // ResNet's first stage: enough work for two threads
        [64, 7, 7, 3, 3, 1, 1, 1, 1, 1, 1, 64, 2],       // 576 taps, 7-pixel rows: blocks across row ends
        [64, 7, 7, 3, 3, 1, 1, 1, 1, 1, 1, 16, 12],      // the same at 588 positions: ∂C/∂w read in place, channels-last
        [32, 14, 14, 3, 3, 2, 2, 1, 1, 1, 1, 64, 2],     // ResNet's strided 32→64: channels-last 6×64 tiles at 512 bits
        [16, 5, 5, 3, 3, 1, 1, 2, 2, 1, 1, 128, 1],      // padding past the kernel's reach, two blocks of 64 output channels
        [16, 9, 9, 1, 1, 1, 1, 0, 0, 1, 1, 64, 2],       // 1×1, 162 pixels: a last tile of six
        [16, 28, 28, 3, 3, 2, 2, 1, 1, 1, 1, 32, 2],     // strided 3×3: phase planes
        [16, 28, 28, 1, 1, 2, 2, 0, 0, 1, 1, 32, 2],     // its 1×1 projection
        [32, 14, 14, 1, 1, 2, 2, 0, 0, 1, 1, 64, 5],     // ResNet's 32→64 projection: 49-pixel planes, a group of four images and one
        [5, 13, 11, 1, 1, 2, 3, 0, 0, 1, 1, 7, 2],       // 1×1 at stride 2×3, odd channel counts
        [3, 17, 15, 3, 2, 3, 2, 1, 0, 1, 1, 5, 2],       // odd sizes, stride 3×2, a 3×2 kernel
        [2, 16, 19, 3, 3, 1, 1, 2, 1, 2, 2, 6, 2],       // dilation 2, uneven padding
        [2, 20, 21, 3, 3, 2, 1, 1, 2, 2, 3, 5, 2],       // stride and dilation together
        [2, 8, 9, 3, 3, 1, 1, 1, 1, 1, 1, 9, 2],         // rows of nine: one vector and one over
        [3, 9, 12, 3, 3, 1, 1, 0, 1, 1, 1, 8, 2],        // padding in width only: rows that may not share their borders
        [2, 7, 7, 3, 3, 1, 1, 1, 1, 1, 1, 13, 1],        // rows narrower than a vector, one image
        [1, 4, 4, 5, 5, 1, 1, 2, 2, 1, 1, 3, 2],         // a kernel larger than the image
        [4, 5, 5, 1, 1, 1, 1, 0, 0, 1, 1, 1, 3],         // 1×1, one output channel
        [1, 28, 28, 4, 4, 2, 2, 1, 1, 1, 1, 8, 3],       // a discriminator's first layer: 14-pixel rows, one channel
        [3, 13, 11, 4, 4, 2, 2, 1, 1, 1, 1, 5, 5],       // 4×4 stride 2 on odd sizes
        [64, 14, 14, 4, 4, 2, 2, 1, 1, 1, 1, 128, 2],    // DCGAN's 64→128: 1024 taps
        [8, 2, 2, 4, 4, 2, 2, 1, 1, 1, 1, 16, 3],        // the U-Net's innermost 2×2 → 1×1: cropped taps
        [4, 1, 1, 3, 3, 1, 1, 1, 1, 1, 1, 6, 2],         // 3×3 on a 1×1 plane: the centre tap alone
        [1, 40, 150, 3, 3, 2, 2, 1, 1, 1, 1, 3, 1],      // 75-pixel rows: past the phase fold's limit
    ];

    public static ConvolutionRoute Forward(Action<ConvolutionProblem, float[]> run, Func<ConvolutionProblem, bool>? takes = null) =>
        new(ConvolutionProduct.Forward, run, takes);

    public static ConvolutionRoute WeightGradient(Action<ConvolutionProblem, float[]> run, Func<ConvolutionProblem, bool>? takes = null) =>
        new(ConvolutionProduct.WeightGradient, run, takes);

    public static ConvolutionRoute InputGradient(Action<ConvolutionProblem, float[]> run, Func<ConvolutionProblem, bool>? takes = null) =>
        new(ConvolutionProduct.InputGradient, run, takes);

    public static ConvolutionRoute Unfold(Action<ConvolutionProblem, float[]> run) => new(ConvolutionProduct.Unfold, run);

    public static ConvolutionRoute Fold(Action<ConvolutionProblem, float[]> run) => new(ConvolutionProduct.Fold, run);

    /// <summary>The 1×1 shapes without padding of <see cref="Shapes"/>, those at stride 1 moved to stride 2: the family
    /// of a kernel that takes only strided 1×1 convolutions (<see cref="PointwiseConv"/>), so that its sweep is all of
    /// its shapes rather than a fifth of everyone's.</summary>
    public static int[][] StridedOneByOne =>
        [.. Shapes.Where(a => a[3] == 1 && a[4] == 1 && a[7] == 0 && a[8] == 0)
                  .Select(a => a[5] * a[6] > 1 ? a : [.. a[..5], 2, 2, .. a[7..]])];

    /// <summary>Shapes with kernels three taps wide and whole blocks of 16 input channels, with 16, 32, 64 and 128 output
    /// channels, strides 1 to 3: the family of <see cref="WeightGradientByTapRows"/>.</summary>
    public static readonly int[][] ThreeTapRows =
    [
        [16, 28, 28, 3, 3, 1, 1, 1, 1, 1, 1, 16, 3],     // ResNet's 16→16: three images in eight slices (some empty)
        [32, 9, 11, 3, 3, 1, 1, 1, 1, 1, 1, 32, 9],      // 32 output channels, an odd plane, nine images: uneven slices
        [64, 7, 7, 3, 3, 1, 1, 1, 1, 1, 1, 64, 2],       // ResNet's 64→64 on 7×7
        [16, 5, 5, 3, 3, 1, 1, 2, 2, 1, 1, 128, 1],      // padding past the kernel's reach, two blocks of 64 output channels
        [16, 6, 8, 2, 3, 1, 1, 0, 1, 1, 1, 16, 2],       // a 2×3 kernel, uneven padding
        [32, 4, 4, 5, 3, 1, 1, 2, 1, 1, 1, 64, 2],       // a 5×3 kernel on a plane smaller than its height
        [16, 28, 28, 3, 3, 2, 2, 1, 1, 1, 1, 32, 2],     // ResNet's 16→32 stride 2
        [32, 14, 14, 3, 3, 2, 2, 1, 1, 1, 1, 64, 3],     // its 32→64 stride 2
        [16, 11, 13, 3, 3, 3, 2, 0, 1, 1, 1, 16, 2],     // strides 3×2, padding only in width
    ];

    /// <summary>Shapes with whole blocks of channels for <see cref="ChannelsLastForward"/>: 16 in and 64 out at 512 bits
    /// (strides, 1×1, 4×4), and the stride-1 layers onto short rows with blocks of 8 in and 16 out that its 256-bit tile
    /// takes: its family, so that both widths' sweeps are mostly shapes it takes.</summary>
    public static readonly int[][] ChannelsLastBlocks =
    [
        [64, 7, 7, 3, 3, 1, 1, 1, 1, 1, 1, 64, 2],       // ResNet's 64→64 on 7×7: both widths
        [64, 7, 7, 3, 3, 1, 1, 1, 1, 1, 1, 16, 12],      // 588 positions, one block of 16 outputs: 256 bits only
        [32, 14, 14, 3, 3, 1, 1, 1, 1, 1, 1, 32, 2],     // ResNet's 32→32 on 14×14: 256 bits only
        [16, 5, 5, 3, 3, 1, 1, 2, 2, 1, 1, 128, 1],      // padding past the kernel's reach, two blocks of 64 output channels
        [8, 6, 6, 3, 3, 1, 1, 1, 1, 1, 1, 48, 2],        // the fewest input channels, three blocks of 16 outputs
        [16, 7, 9, 3, 3, 1, 1, 1, 1, 1, 1, 16, 1],       // a 7×9 plane, one image: a last tile of three
        [24, 5, 5, 3, 3, 1, 1, 0, 0, 1, 1, 16, 3],       // no padding, 3×3 out
        [8, 9, 9, 4, 4, 1, 1, 1, 1, 1, 1, 16, 2],        // an even kernel, 8×8 out
        [32, 14, 14, 3, 3, 2, 2, 1, 1, 1, 1, 64, 2],     // ResNet's strided 32→64: 512 bits only
        [16, 9, 9, 1, 1, 1, 1, 0, 0, 1, 1, 64, 2],       // 1×1 on 9-pixel rows, 162 pixels: both widths
        [64, 14, 14, 4, 4, 2, 2, 1, 1, 1, 1, 128, 2],    // DCGAN's 64→128: 512 bits only
    ];

    /// <summary>3×3 and 4×4 shapes at stride 2 with padding 1 and 16, 32 or 64 input channels: the family of
    /// <see cref="InputGradientByPhases"/>.</summary>
    public static readonly int[][] StrideTwoByPhases =
    [
        [16, 28, 28, 3, 3, 2, 2, 1, 1, 1, 1, 32, 2],     // ResNet's 16→32: 14 pixels a row and parity, groups of seven
        [32, 14, 14, 3, 3, 2, 2, 1, 1, 1, 1, 64, 3],     // its 32→64: 7 pixels a row and parity
        [16, 13, 11, 3, 3, 2, 2, 1, 1, 1, 1, 8, 2],      // odd sizes: 6 and 5 pixels a row and parity, the last row odd
        [32, 30, 27, 3, 3, 2, 2, 1, 1, 1, 1, 5, 1],      // 14 and 13 a parity: groups of seven, then of twelve and one
        [16, 2, 3, 3, 3, 2, 2, 1, 1, 1, 1, 3, 2],        // a plane smaller than the kernel
        [64, 14, 14, 4, 4, 2, 2, 1, 1, 1, 1, 128, 2],    // the DCGAN discriminator's 64→128 4×4: four taps, two halves of 32
        [32, 15, 9, 4, 4, 2, 2, 1, 1, 1, 1, 6, 2],       // 4×4 on odd sizes: taps past δ's last row and column
    ];

    public static IEnumerable<TwinCase> Sweep(params ConvolutionRoute[] routes) => SweepOn(Shapes, routes);

    public static IEnumerable<TwinCase> SweepOn(int[][] shapes, params ConvolutionRoute[] routes)
    {
        foreach (var a in shapes)
        {
            var p = Problem(a);
            foreach (var route in routes)
                yield return new TwinCase($"{route.Product} of {p.Batch}×{p.G} → {p.OutChannels}",
                    () => [Run(route, p)], () => [Twin(route.Product, p)])
                {
                    Takes = route.Takes is { } takes ? () => takes(p) : null,
                    Tolerances = [route.Product == ConvolutionProduct.Unfold ? 0 : 2e-5],
                    Scale = route.Product == ConvolutionProduct.Unfold ? null : () => [Twin(route.Product, Absolute(p))],
                    Outputs = [route.Product.ToString()],
                };
        }
    }

    private static ConvolutionProblem Problem(int[] a)
    {
        var g = new Im2ColGeometry(a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8], a[9], a[10]);
        int outChannels = a[11], batch = a[12], seed = a.Sum();
        return new ConvolutionProblem(g, batch, outChannels,
            X: TwinData.Pixels((long)batch * g.ImageLength, seed, -0.2f),
            W: TwinData.Pixels((long)outChannels * g.Rows, seed + 7, -0.5f),
            B: TwinData.Pixels(outChannels, seed + 11, -0.5f),
            Dy: TwinData.Pixels((long)batch * outChannels * g.OutPixels, seed + 101, -0.4f),
            Start: TwinData.Pixels((long)outChannels * g.Rows, seed + 3, -0.1f),
            Columns: TwinData.Pixels((long)g.Rows * batch * g.OutPixels, seed + 5, -0.3f));
    }

    private static ConvolutionProblem Absolute(ConvolutionProblem p) => p with
    {
        X = TwinData.Abs(p.X), W = TwinData.Abs(p.W), B = TwinData.Abs(p.B), Dy = TwinData.Abs(p.Dy),
        Start = TwinData.Abs(p.Start), Columns = TwinData.Abs(p.Columns),
    };

    private static float[] Output(ConvolutionProduct product, ConvolutionProblem p) => product switch
    {
        ConvolutionProduct.WeightGradient => (float[])p.Start.Clone(),
        ConvolutionProduct.Forward => TwinData.Unwritten(p.S.OutputLength),
        ConvolutionProduct.Unfold => TwinData.Unwritten((long)p.G.Rows * p.Batch * p.G.OutPixels),
        _ => TwinData.Unwritten(p.S.InputLength),
    };

    private static float[] Run(ConvolutionRoute route, ConvolutionProblem p)
    {
        var y = Output(route.Product, p);
        route.Run(p, y);
        return y;
    }

    private static float[] Twin(ConvolutionProduct product, ConvolutionProblem p)
    {
        var y = Output(product, p);
        switch (product)
        {
            case ConvolutionProduct.Forward: DirectConv2dReference.Forward(p.X, p.Batch, p.G, p.W, p.OutChannels, p.B, y); break;
            case ConvolutionProduct.WeightGradient: DirectConv2dReference.WeightGradient(p.X, p.Dy, p.Batch, p.G, p.OutChannels, y); break;
            case ConvolutionProduct.InputGradient: DirectConv2dReference.InputGradient(p.Dy, p.Batch, p.G, p.W, p.OutChannels, y); break;
            case ConvolutionProduct.Unfold: Im2ColReference.Unfold(p.X, p.Batch, p.G, y); break;
            case ConvolutionProduct.Fold: Im2ColReference.Fold(p.Columns, p.Batch, p.G, y); break;
        }
        return y;
    }
}
