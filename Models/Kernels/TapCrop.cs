namespace NeuralPipelines.Models.Kernels;

/// <summary>
/// The window of kernel taps that ever read a real pixel of a small input: rows [Top, Top + Height) and columns
/// [Left, Left + Width) of a kH × kW kernel. The taps outside it read only padding for every output pixel.
/// </summary>
/// <remarks>
/// <para>Why: deep in pix2pix's U-Net the planes are tiny. The innermost convolution (4×4, stride 2, padding 1) takes 2×2
/// to 1×1, and its transpose 1×1 to 2×2: of the 16 taps per channel only the middle 2×2 ever touch the image, so the column
/// route multiplies 3 of every 4 weights by zero (and for ∂C/∂w writes 4× the entries it needs). The same convolution with
/// the kernel cropped to the live window and padding p − Top (<see cref="Apply"/>) reads the same pixels with the same
/// weights for every output, so it is the same function; the dead taps' gradient is exactly zero.</para>
/// <para>Bits: the cropped product adds the same nonzero terms in the same order, without the zeros in between, through
/// GEMMs of another shape (other blocking), so sums may differ in the last place; tests compare with a tolerance.</para>
/// </remarks>
public readonly record struct TapCrop(int Top, int Left, int Height, int Width)
{
    /// <summary>The live window of <paramref name="g"/>'s kernel, or null when cropping would not save at least half of the
    /// taps or the cropped geometry would not give the same output size with non-negative padding.</summary>
    public static TapCrop? Of(Im2ColGeometry g)
    {
        var (top, height) = Live(g.Height, g.OutHeight, g.KernelH, g.StrideH, g.PadH, g.DilationH);
        var (left, width) = Live(g.Width, g.OutWidth, g.KernelW, g.StrideW, g.PadW, g.DilationW);
        if (height <= 0 || width <= 0 || 2 * height * width > g.KernelH * g.KernelW) return null;
        var crop = new TapCrop(top, left, height, width);
        var c = crop.Apply(g);
        return c.PadH >= 0 && c.PadW >= 0 && c.OutHeight == g.OutHeight && c.OutWidth == g.OutWidth ? crop : null;
    }

    /// <summary>Along one axis: the first and the count of taps k for which some output o reads o·s − p + k·d inside [0, size).</summary>
    private static (int First, int Count) Live(int size, int outSize, int kernel, int stride, int pad, int dilation)
    {
        int first = -1, last = -1;
        for (int k = 0; k < kernel; k++)
            for (int o = 0; o < outSize; o++)
            {
                int at = o * stride - pad + k * dilation;
                if (at < 0 || at >= size) continue;
                if (first < 0) first = k;
                last = k;
                break;
            }
        return first < 0 ? (0, 0) : (first, last - first + 1);
    }

    /// <summary>The geometry of the cropped convolution: the same input and output, kernel Height × Width, padding moved in.</summary>
    public Im2ColGeometry Apply(Im2ColGeometry g) => g with
    {
        KernelH = Height, KernelW = Width, PadH = g.PadH - Top * g.DilationH, PadW = g.PadW - Left * g.DilationW,
    };

    /// <summary>cropped[plane, i, j] = weight[plane, Top + i, Left + j] for each of <paramref name="planes"/> kH × kW planes.</summary>
    public unsafe void Gather(ReadOnlySpan<float> weight, int planes, int kernelH, int kernelW, Span<float> cropped)
    {
        Check(weight.Length, cropped.Length, planes, kernelH, kernelW);
        fixed (float* w = weight) fixed (float* c = cropped)
            KernelLoop.For(Pieces(planes), Work(planes, kernelH, kernelW), new Planes(this, w, c, planes, kernelH, kernelW), static (j, k) => j.Gather(k));
    }

    /// <summary>weight[plane, Top + i, Left + j] += cropped[plane, i, j]: a cropped gradient back into the full kernel's.</summary>
    public unsafe void ScatterAdd(ReadOnlySpan<float> cropped, int planes, int kernelH, int kernelW, Span<float> weight)
    {
        Check(weight.Length, cropped.Length, planes, kernelH, kernelW);
        fixed (float* w = weight) fixed (float* c = cropped)
            KernelLoop.For(Pieces(planes), Work(planes, kernelH, kernelW), new Planes(this, w, c, planes, kernelH, kernelW), static (j, k) => j.ScatterAdd(k));
    }

    // Planes are independent: pieces of them go to both cores (a 256→256 layer's 65,536 planes were a serial stretch of its
    // forward and ∂C/∂x products and of its ∂C/∂w, each call). Every element is copied or added the same way on any thread.
    private const int PlanesPerPiece = 4096;

    private static int Pieces(int planes) => (planes + PlanesPerPiece - 1) / PlanesPerPiece;

    private long Work(int planes, int kernelH, int kernelW) => (long)planes * (kernelH * kernelW + 2 * Height * Width);

    private readonly unsafe struct Planes(TapCrop crop, float* weight, float* cropped, int planes, int kernelH, int kernelW)
    {
        public void Gather(int piece)
        {
            var (top, left, height, width) = crop;
            for (int p = piece * PlanesPerPiece, end = Math.Min(planes, p + PlanesPerPiece); p < end; p++)
                for (int i = 0; i < height; i++)
                    new ReadOnlySpan<float>(weight + ((long)p * kernelH + top + i) * kernelW + left, width)
                        .CopyTo(new Span<float>(cropped + ((long)p * height + i) * width, width));
        }

        public void ScatterAdd(int piece)
        {
            var (top, left, height, width) = crop;
            for (int p = piece * PlanesPerPiece, end = Math.Min(planes, p + PlanesPerPiece); p < end; p++)
                for (int i = 0; i < height; i++)
                {
                    var row = new Span<float>(weight + ((long)p * kernelH + top + i) * kernelW + left, width);
                    System.Numerics.Tensors.TensorPrimitives.Add(row, new ReadOnlySpan<float>(cropped + ((long)p * height + i) * width, width), row);
                }
        }
    }

    private void Check(int weightLength, int croppedLength, int planes, int kernelH, int kernelW)
    {
        if (Top + Height > kernelH || Left + Width > kernelW || weightLength < planes * kernelH * kernelW || croppedLength < planes * Height * Width)
            throw new ArgumentException($"TapCrop {Height}×{Width} at ({Top}, {Left}): {planes} planes of {kernelH}×{kernelW} need {planes * kernelH * kernelW} " +
                                        $"weights and {planes * Height * Width} cropped, got {weightLength} and {croppedLength}.");
    }
}
