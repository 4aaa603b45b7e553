using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace NeuralPipelines.Models.Kernels;

/// <summary>
/// col2im and im2col for strided geometries through stride-phase planes (col2im for stride 1 too, as one phase: the padded
/// plane): each kernel tap's row of the column matrix is added, one output row at a time and a vector at a time, into the
/// phase plane its pixels belong to; the planes are then dealt back into the image. The plain twin is
/// <see cref="Im2ColReference.Fold"/>.
/// </summary>
/// <remarks>
/// Why: with stride 2 the taps of one output row land on every other pixel, so a direct fold is a strided scatter-add
/// (<see cref="Im2ColStrided"/> turned it into a per-pixel gather of four entries: 5.7 CPU-ms for DCGAN's 64-channel
/// 14×14 layer at batch 64). In the phase plane (pa, pb) — the pixels (Y·s + pa, X·s + pb) — tap (i, j) of output
/// position (y, x) lands on (y + ⌊di/s⌋, x + ⌊dj/s⌋) with di = i·d − p, a fixed shift, so a tap's row is a run of
/// contiguous vector adds. Lanes past the output row are masked off; positions whose pixel lies in the padding land in
/// the planes' margins, which are never dealt back. Each pixel receives its entries in increasing tap order starting
/// from zero, the order of <see cref="Im2Col.Fold"/>, so the bits are the same.
/// </remarks>
internal static unsafe class PhaseFold
{
    private const int Lanes = 8;

    /// <summary>AVX2, a stride above 1, and output rows of at most 64 positions (the masks cover 8 vectors).</summary>
    public static bool Suits(Im2ColGeometry g) => Avx2.IsSupported && (g.StrideH > 1 || g.StrideW > 1) && g.OutWidth <= 64;

    /// <summary>Whether <see cref="Fold(float*, int, Im2ColGeometry, float*)"/> takes <paramref name="g"/>: as
    /// <see cref="Suits"/>, and (when <see cref="Widened"/>) stride 1 too, as one phase: the padded plane itself.</summary>
    public static bool SuitsFold(Im2ColGeometry g) =>
        Suits(g) || (Widened && Avx2.IsSupported && g.StrideH == 1 && g.StrideW == 1 && g.OutWidth <= 64);

    /// <summary>Whether the fold takes stride-1 geometries, and the whole-batch fold (<see cref="Im2Col.Fold"/>, shared out
    /// by channel) uses it as the chunks' serial fold does. False restores the earlier routes (the plain fold for stride 1,
    /// <see cref="Im2ColStrided"/> for the whole batch's strided folds): A/B timing (<c>race pix2pix --ab phase-fold</c>),
    /// same bits, as every route adds a pixel's entries in tap order from zero.</summary>
    /// <remarks>Why: PatchGAN's stride-1 128→256 layer (8×8 → 7×7) folds its whole batch's columns for ∂C/∂x, and its
    /// rows of 7 positions went through the plain fold as one short <c>TensorPrimitives.Add</c> each: on a Zen 5 (family
    /// 26 model 2, 2 threads) 0.6–1.5 ms a call, a third of the ∂C/∂x product, against 0.17 ms here (<c>race conv-layer</c>,
    /// docs/BENCHMARKS.md).</remarks>
    internal static bool Widened { get; set; } = true;

    [ThreadStatic] private static float[]? _planes;

    private static int FloorDiv(int a, int b) => a >= 0 ? a / b : -((-a + b - 1) / b);

    /// <summary>images[0..batch) = col2im(columns [C·kH·kW × batch·P]), overwriting every pixel.</summary>
    public static void Fold(float* columns, int batch, Im2ColGeometry g, float* images) =>
        Fold(columns, batch, g, images, 0, g.Channels, 0, batch);

    /// <summary><see cref="Fold(float*, int, Im2ColGeometry, float*)"/> of channels [<paramref name="c0"/>, <paramref name="c1"/>) of images [<paramref name="n0"/>,
    /// <paramref name="n1"/>) only (a thread's share: every pixel is one share's).</summary>
    public static void Fold(float* columns, int batch, Im2ColGeometry g, float* images, int c0, int c1, int n0, int n1)
    {
        // A 1×1 kernel without padding gives each pixel at most one entry: copied into place, no planes (PointFold).
        if (PointFold.Suits(g))
        {
            PointFold.Fold(columns, batch, g, images, c0, c1, n0, n1);
            return;
        }
        int sh = g.StrideH, sw = g.StrideW, oh = g.OutHeight, ow = g.OutWidth, p = oh * ow, hw = g.Height * g.Width;
        var (top, left, rows, width) = Layout(g);
        int plane = rows * width, phases = sh * sw, taps = g.KernelH * g.KernelW;
        long rowLength = (long)batch * p;
        int vectors = (ow + Lanes - 1) / Lanes;
        var lane = Vector256.Create(0, 1, 2, 3, 4, 5, 6, 7);
        var tail = Avx2.CompareGreaterThan(Vector256.Create(ow - (vectors - 1) * Lanes), lane).AsSingle();
        int* target = stackalloc int[taps];
        Targets(g, top, left, width, plane, target);
        fixed (float* planes = Scratch.Ensure(ref _planes, phases * plane))
        {
            for (int n = n0; n < n1; n++)
                for (int c = c0; c < c1; c++)
                {
                    new Span<float>(planes, phases * plane).Clear();
                    float* block = columns + (long)c * taps * rowLength + (long)n * p;
                    for (int t = 0; t < taps; t++)
                    {
                        float* dst = planes + target[t];
                        float* src = block + t * rowLength;
                        for (int y = 0; y < oh; y++, dst += width, src += ow)
                        {
                            int v = 0;
                            for (; v < vectors - 1; v++)
                                Avx.Store(dst + v * Lanes, Avx.Add(Avx.LoadVector256(dst + v * Lanes), Avx.LoadVector256(src + v * Lanes)));
                            Avx.Store(dst + v * Lanes, Avx.Add(Avx.LoadVector256(dst + v * Lanes), Avx.MaskLoad(src + v * Lanes, tail)));
                        }
                    }
                    // Deal the planes back: pixel (Y·s + pa, X·s + pb) is (Y, X) of phase (pa, pb).
                    float* image = images + (long)n * g.ImageLength + (long)c * hw;
                    if (phases == 1)
                    {
                        float* from = planes + top * width + left;
                        for (int py = 0; py < g.Height; py++, from += width)
                            ShortRows.Copy(from, image + py * g.Width, g.Width);
                        continue;
                    }
                    for (int pa = 0; pa < sh; pa++)
                        for (int pb = 0; pb < sw; pb++)
                        {
                            float* from = planes + (pa * sw + pb) * plane + top * width + left;
                            for (int py = pa; py < g.Height; py += sh, from += width)
                            {
                                float* to = image + py * g.Width;
                                for (int px = pb, x = 0; px < g.Width; px += sw, x++) to[px] = from[x];
                            }
                        }
                }
        }
    }

    /// <summary>columns [C·kH·kW × batch·P] = im2col(images[0..batch)), every entry written: the same planes read the
    /// other way. The image is dealt into zero-bordered phase planes, then each tap's output row is one contiguous run.</summary>
    public static void Unfold(float* images, int batch, Im2ColGeometry g, float* columns)
    {
        int sh = g.StrideH, sw = g.StrideW, oh = g.OutHeight, ow = g.OutWidth, p = oh * ow, hw = g.Height * g.Width;
        var (top, left, rows, width) = Layout(g);
        int plane = rows * width, phases = sh * sw, taps = g.KernelH * g.KernelW;
        long rowLength = (long)batch * p;
        int vectors = (ow + Lanes - 1) / Lanes;
        var lane = Vector256.Create(0, 1, 2, 3, 4, 5, 6, 7);
        var tail = Avx2.CompareGreaterThan(Vector256.Create(ow - (vectors - 1) * Lanes), lane).AsSingle();
        int* source = stackalloc int[taps];
        Targets(g, top, left, width, plane, source);
        fixed (float* planes = Scratch.Ensure(ref _planes, phases * plane))
        {
            new Span<float>(planes, phases * plane).Clear();
            for (int n = 0; n < batch; n++)
                for (int c = 0; c < g.Channels; c++)
                {
                    // Deal the image in: pixel (Y·s + pa, X·s + pb) to (Y, X) of phase (pa, pb); the borders stay zero.
                    float* image = images + (long)n * g.ImageLength + (long)c * hw;
                    for (int pa = 0; pa < sh; pa++)
                        for (int pb = 0; pb < sw; pb++)
                        {
                            float* to = planes + (pa * sw + pb) * plane + top * width + left;
                            for (int py = pa; py < g.Height; py += sh, to += width)
                            {
                                float* from = image + py * g.Width;
                                for (int px = pb, x = 0; px < g.Width; px += sw, x++) to[x] = from[px];
                            }
                        }
                    float* block = columns + (long)c * taps * rowLength + (long)n * p;
                    for (int t = 0; t < taps; t++)
                    {
                        float* src = planes + source[t];
                        float* dst = block + t * rowLength;
                        for (int y = 0; y < oh; y++, src += width, dst += ow)
                        {
                            int v = 0;
                            for (; v < vectors - 1; v++) Avx.Store(dst + v * Lanes, Avx.LoadVector256(src + v * Lanes));
                            Avx.MaskStore(dst + v * Lanes, tail, Avx.LoadVector256(src + v * Lanes));
                        }
                    }
                }
        }
    }

    /// <summary>The phase planes' margins (rows above, columns left of the image's pixels) and size.</summary>
    private static (int Top, int Left, int Rows, int Width) Layout(Im2ColGeometry g)
    {
        int sh = g.StrideH, sw = g.StrideW, oh = g.OutHeight, ow = g.OutWidth;
        int minY = FloorDiv(-g.PadH, sh), maxY = FloorDiv((g.KernelH - 1) * g.DilationH - g.PadH, sh);
        int minX = FloorDiv(-g.PadW, sw), maxX = FloorDiv((g.KernelW - 1) * g.DilationW - g.PadW, sw);
        int top = Math.Max(0, -minY), left = Math.Max(0, -minX);
        int rows = top + Math.Max(oh + Math.Max(0, maxY), (g.Height + sh - 1) / sh) + 1;
        int width = left + Math.Max(ow + Math.Max(0, maxX), (g.Width + sw - 1) / sw) + Lanes;
        return (top, left, rows, width);
    }

    /// <summary>Where each tap's output row 0 sits in the phase planes (taps in the weights' order).</summary>
    private static void Targets(Im2ColGeometry g, int top, int left, int width, int plane, int* target)
    {
        int sh = g.StrideH, sw = g.StrideW;
        for (int t = 0; t < g.KernelH * g.KernelW; t++)
        {
            int di = t / g.KernelW * g.DilationH - g.PadH, dj = t % g.KernelW * g.DilationW - g.PadW;
            int pa = di - FloorDiv(di, sh) * sh, pb = dj - FloorDiv(dj, sw) * sw;
            target[t] = (pa * sw + pb) * plane + (top + FloorDiv(di, sh)) * width + left + FloorDiv(dj, sw);
        }
    }
}
