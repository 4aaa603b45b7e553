using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace NeuralPipelines.Models.Kernels;

/// <summary>Images [N×C×H×W] copied into a zero-padded channels-last layout [N×H′×W′×C] (each pixel's C channels side by
/// side, the image at rows padH.. and columns padW.. of an H′×W′ grid), and kernels [O×C×taps] reordered to [O×taps×C]
/// and back.</summary>
/// <remarks>Why: channels-last, a kernel tap of C consecutive channels at one pixel is C consecutive floats, so a GEMM
/// operand whose columns are (tap, channel) reads each row of a panel with vector loads straight from the images
/// (<see cref="GemmInPlaceB"/>). The fast path transposes 16 channels × 16 pixels (8 × 8 at 256 bits) in registers into a per-thread [H·W × C]
/// buffer, then copies each image row (W·C contiguous floats in both layouts) into place; <see cref="PadReference"/> is
/// its plain twin, and both write the same floats.</remarks>
internal static unsafe class ChannelsLastImages
{
    private const int Block = 16;

    // One image channels-last without its border, per thread.
    [ThreadStatic] private static float[]? _image;

    /// <summary>Whether <see cref="Pad"/> and <see cref="Reorder"/> take their vector paths: AVX-512 and whole blocks of 16
    /// channels (otherwise <see cref="Pad"/> is its plain twin).</summary>
    public static bool Vectorized(int channels) =>
        SimdWidth.Current == SimdPath.Vector512 && Avx512F.IsSupported && channels % Block == 0;

    /// <summary>Whether <see cref="Pad"/> transposes in registers: 16×16 blocks at 512 bits (<see cref="Vectorized"/>), 8×8
    /// at 256 with whole blocks of 8 channels (<see cref="ChannelsLastForward"/>'s 256-bit tiles).</summary>
    private static bool PadsByBlocks(int channels) =>
        Vectorized(channels) || SimdWidth.Current == SimdPath.Vector256 && Avx.IsSupported && channels % 8 == 0;

    /// <summary>x [N×C×H×W] into <paramref name="padded"/> [N×<paramref name="hp"/>×<paramref name="wp"/>×C], every float
    /// written (the border zero); images shared between threads by <see cref="KernelLoop"/>'s policy.</summary>
    public static void Pad(float* x, int batch, in Im2ColGeometry g, int hp, int wp, float* padded)
    {
        if (hp < g.Height + g.PadH || wp < g.Width + g.PadW)
            throw new ArgumentException($"A channels-last copy of {g.Height}×{g.Width} images padded by {g.PadH}, {g.PadW} needs a grid of at least {g.Height + g.PadH}×{g.Width + g.PadW}; got {hp}×{wp}.");
        if (!PadsByBlocks(g.Channels))
        {
            // Whole blocks of 16 channels at 512 bits or of 8 at 256; anything else is copied by the plain loop.
            PadReference(x, batch, g, hp, wp, padded);
            return;
        }
        long floats = (long)batch * hp * wp * g.Channels;
        KernelLoop.For(batch, 2 * floats, new Job(x, padded, g, hp, wp), static (j, n) => j.Image(n));
    }

    /// <summary>The plain twin of <see cref="Pad"/>: one float at a time.</summary>
    public static void PadReference(float* x, int batch, in Im2ColGeometry g, int hp, int wp, float* padded)
    {
        int c = g.Channels;
        new Span<float>(padded, checked(batch * hp * wp * c)).Clear();
        for (int n = 0; n < batch; n++)
            for (int ch = 0; ch < c; ch++)
                for (int y = 0; y < g.Height; y++)
                    for (int xx = 0; xx < g.Width; xx++)
                        padded[((long)(n * hp + y + g.PadH) * wp + xx + g.PadW) * c + ch] = x[((long)(n * c + ch) * g.Height + y) * g.Width + xx];
    }

    /// <summary>Per output channel, a kernel's [C × taps] block as [taps × C] (<paramref name="tapsFirst"/>) or back: the
    /// order of ∂C/∂w in which a channels-last product's columns (tap, channel) lie. 4×4 kernels go 16 channels at a time
    /// through a 16×16 transpose in registers; output channels are shared between threads.</summary>
    public static void Reorder(float* from, float* to, int outChannels, int channels, int taps, bool tapsFirst)
    {
        long floats = (long)outChannels * channels * taps;
        KernelLoop.For(outChannels, 2 * floats, new Reordering(from, to, channels, taps, tapsFirst), static (j, o) => j.OutChannel(o));
    }

    /// <summary>The plain twin of <see cref="Reorder"/>.</summary>
    public static void ReorderReference(float* from, float* to, int outChannels, int channels, int taps, bool tapsFirst)
    {
        for (int o = 0; o < outChannels; o++)
            for (int ch = 0; ch < channels; ch++)
                for (int t = 0; t < taps; t++)
                {
                    long channelsFirst = ((long)o * channels + ch) * taps + t, last = ((long)o * taps + t) * channels + ch;
                    if (tapsFirst) to[last] = from[channelsFirst];
                    else to[channelsFirst] = from[last];
                }
    }

    private readonly struct Reordering(float* from, float* to, int channels, int taps, bool tapsFirst)
    {
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void OutChannel(int o)
        {
            long start = (long)o * channels * taps;
            float* f = from + start, d = to + start;
            // [C × taps] ↔ [taps × C]: rows and columns swap, so either way is one transpose of the block.
            int rows = tapsFirst ? channels : taps, columns = tapsFirst ? taps : channels;
            if (Vectorized(channels) && taps == Block)
            {
                for (int r0 = 0; r0 < rows; r0 += Block)
                    for (int c0 = 0; c0 < columns; c0 += Block)
                        GemmTranspose.Transpose16x16(f + (long)r0 * columns + c0, columns, d + (long)c0 * rows + r0, rows);
                return;
            }
            for (int r = 0; r < rows; r++)
                for (int c = 0; c < columns; c++) d[(long)c * rows + r] = f[(long)r * columns + c];
        }
    }

    private readonly struct Job(float* x, float* padded, Im2ColGeometry g, int hp, int wp)
    {
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void Image(int n)
        {
            int c = g.Channels, pixels = g.Height * g.Width, image = hp * wp * c;
            float* to = padded + (long)n * image, from = x + (long)n * c * pixels;
            ClearBorder(to, c);
            fixed (float* t = Scratch.Ensure(ref _image, pixels * c))
            {
                // [C × H·W] → [H·W × C]: whole 16×16 (8×8 at 256 bits) blocks in registers, the last pixels one by one.
                GemmTranspose.MatrixAtWidth(from, c, pixels, t);
                // Each image row is W·C contiguous floats in both layouts.
                int row = g.Width * c;
                for (int y = 0; y < g.Height; y++)
                    new ReadOnlySpan<float>(t + (long)y * row, row).CopyTo(new Span<float>(to + ((long)(y + g.PadH) * wp + g.PadW) * c, row));
            }
        }

        // Zeros only where the image does not land (the rows above and below it, and each of its rows' two ends): clearing
        // the whole grid first wrote every float twice (0.7% of a ResNet-8 step in memset).
        private void ClearBorder(float* to, int c)
        {
            long gridRow = (long)wp * c, left = (long)g.PadW * c, right = (long)(wp - g.PadW - g.Width) * c;
            new Span<float>(to, checked((int)(g.PadH * gridRow))).Clear();
            new Span<float>(to + (g.PadH + g.Height) * gridRow, checked((int)((hp - g.PadH - g.Height) * gridRow))).Clear();
            for (int y = g.PadH; y < g.PadH + g.Height; y++)
            {
                float* row = to + y * gridRow;
                new Span<float>(row, (int)left).Clear();
                new Span<float>(row + left + (long)g.Width * c, (int)right).Clear();
            }
        }
    }
}
