namespace NeuralPipelines.Models.Kernels;

/// <summary>
/// Lays a batch of images out as a matrix so that convolution becomes one GEMM (im2col), and folds such a matrix back (col2im).
/// </summary>
/// <remarks>
/// The column matrix is [C·kH·kW rows × N·OH·OW columns], row-major: image n owns the column block n·P … (n+1)·P − 1.
/// One GEMM over the whole batch keeps the GEMM's n large even when a layer has few output channels (LeNet's 6 and 16),
/// which is where a per-image GEMM loses most of its speed. Rows are independent, so unfolding splits over rows;
/// folding splits over channels (a channel's rows only touch that channel's pixels), so both are race-free and
/// give the same bits on any number of threads. <see cref="Im2ColReference"/> is the plain twin. Strided geometries with
/// small images go through <see cref="Im2ColStrided"/>'s tables instead of the row loops below.
/// </remarks>
public static class Im2Col
{
    // Parts of the batch per channel when a fold has fewer channels than threads: enough for a late thread to take fewer.
    private const int FoldParts = 8;

    /// <summary>columns = im2col(images); every entry is written (zeros where the window hangs over the padding).</summary>
    public static void Unfold(ReadOnlySpan<float> images, int batch, Im2ColGeometry g, Span<float> columns)
    {
        long total = (long)g.Rows * batch * g.OutPixels;
        Check(images.Length, columns.Length, batch, g);
        unsafe
        {
            fixed (float* src = images)
            fixed (float* dst = columns)
            {
                var job = (Source: (nint)src, Batch: batch, G: g, Target: (nint)dst);
                if (Im2ColStrided.Suits(g))
                    KernelLoop.For(g.Rows, total, job, static (j, r) => Im2ColStrided.UnfoldRow((float*)j.Source, j.Batch, j.G, (float*)j.Target, r));
                else
                    KernelLoop.For(g.Rows, total, job, static (j, r) => UnfoldRow((float*)j.Source, j.Batch, j.G, (float*)j.Target, r));
            }
        }
    }

    /// <summary>images = col2im(columns): overwrites <paramref name="images"/> with the sum of the entries read from each pixel.</summary>
    public static void Fold(ReadOnlySpan<float> columns, int batch, Im2ColGeometry g, Span<float> images)
    {
        long total = (long)g.Rows * batch * g.OutPixels;
        Check(images.Length, columns.Length, batch, g);
        unsafe
        {
            fixed (float* src = columns)
            fixed (float* dst = images)
            {
                if (PhaseFold.Widened && PhaseFold.SuitsFold(g))
                {
                    // Channels shared out, each channel's batch cut into parts when there are fewer channels than threads.
                    int parts = g.Channels < KernelLoop.Threads(total) ? Math.Min(batch, FoldParts) : 1;
                    KernelLoop.For(g.Channels * parts, total, (Source: (nint)src, Batch: batch, G: g, Target: (nint)dst, Parts: parts), static (j, i) =>
                    {
                        int c = i / j.Parts, part = i % j.Parts;
                        PhaseFold.Fold((float*)j.Source, j.Batch, j.G, (float*)j.Target, c, c + 1, j.Batch * part / j.Parts, j.Batch * (part + 1) / j.Parts);
                    });
                }
                else if (Im2ColStrided.Suits(g) && g.Channels < KernelLoop.Threads(total))
                {
                    // Fewer channels than threads (a generator's one-channel image, the ∂C/∂x of a discriminator's
                    // first layer): split each channel's batch into parts too, so the fold is not one thread's.
                    int parts = Math.Min(batch, FoldParts);
                    KernelLoop.For(g.Channels * parts, total, (Source: (nint)src, Batch: batch, G: g, Target: (nint)dst, Parts: parts), static (j, i) =>
                    {
                        int c = i / j.Parts, part = i % j.Parts;
                        Im2ColStrided.FoldChannel((float*)j.Source, j.Batch, j.G, (float*)j.Target, c, j.Batch * part / j.Parts, j.Batch * (part + 1) / j.Parts);
                    });
                }
                else if (Im2ColStrided.Suits(g))
                    KernelLoop.For(g.Channels, total, (Source: (nint)src, Batch: batch, G: g, Target: (nint)dst), static (j, c) =>
                        Im2ColStrided.FoldChannel((float*)j.Source, j.Batch, j.G, (float*)j.Target, c));
                else
                    KernelLoop.For(g.Channels, total, (Source: (nint)src, Batch: batch, G: g, Target: (nint)dst), static (j, c) =>
                        FoldChannel((float*)j.Source, j.Batch, j.G, (float*)j.Target, c));
            }
        }
    }

    /// <summary><see cref="Unfold"/> on the calling thread only, from raw pointers (for kernels that split the batch over
    /// threads themselves).</summary>
    internal static unsafe void UnfoldSerial(float* images, int batch, Im2ColGeometry g, float* columns)
    {
        if (PhaseFold.Suits(g))
            PhaseFold.Unfold(images, batch, g, columns);
        else if (Im2ColStrided.Suits(g))
            for (int r = 0; r < g.Rows; r++) Im2ColStrided.UnfoldRow(images, batch, g, columns, r);
        else
            for (int r = 0; r < g.Rows; r++) UnfoldRow(images, batch, g, columns, r);
    }

    /// <summary><see cref="Fold"/> on the calling thread only, from raw pointers.</summary>
    internal static unsafe void FoldSerial(float* columns, int batch, Im2ColGeometry g, float* images)
    {
        if (PhaseFold.SuitsFold(g))
            PhaseFold.Fold(columns, batch, g, images);
        else if (Im2ColStrided.Suits(g))
            for (int c = 0; c < g.Channels; c++) Im2ColStrided.FoldChannel(columns, batch, g, images, c);
        else
            for (int c = 0; c < g.Channels; c++) FoldChannel(columns, batch, g, images, c);
    }

    private static void Check(int imagesLength, int columnsLength, int batch, Im2ColGeometry g)
    {
        long needImages = (long)batch * g.ImageLength, needColumns = (long)g.Rows * batch * g.OutPixels;
        if (imagesLength < needImages || columnsLength < needColumns)
            throw new ArgumentException(
                $"im2col of {batch}×[{g.Channels}×{g.Height}×{g.Width}] needs {needImages} image floats and {needColumns} column floats; got {imagesLength} and {columnsLength}.");
    }

    /// <summary>The valid output columns [lo, hi) for kernel offset <paramref name="offset"/>: those reading inside the image.</summary>
    private static (int Lo, int Hi) ValidRange(int outSize, int inSize, int stride, int offset)
    {
        // Input index = o·stride + offset, with offset = k·dilation − pad; need 0 ≤ index < inSize.
        int lo = offset >= 0 ? 0 : (-offset + stride - 1) / stride;
        int hi = inSize - offset <= 0 ? 0 : (inSize - offset - 1) / stride + 1;
        lo = Math.Min(lo, outSize);
        hi = Math.Clamp(hi, lo, outSize);
        return (lo, hi);
    }

    private static unsafe void UnfoldRow(float* images, int batch, Im2ColGeometry g, float* columns, int row)
    {
        int kj = row % g.KernelW, ki = row / g.KernelW % g.KernelH, c = row / (g.KernelW * g.KernelH);
        int oh = g.OutHeight, ow = g.OutWidth, p = oh * ow;
        int offH = ki * g.DilationH - g.PadH, offW = kj * g.DilationW - g.PadW;
        var (yLo, yHi) = ValidRange(oh, g.Height, g.StrideH, offH);
        var (xLo, xHi) = ValidRange(ow, g.Width, g.StrideW, offW);
        float* dstRow = columns + (long)row * batch * p;
        for (int n = 0; n < batch; n++)
        {
            float* plane = images + (long)n * g.ImageLength + (long)c * g.Height * g.Width;
            float* dst = dstRow + (long)n * p;
            if (yLo > 0) new Span<float>(dst, yLo * ow).Clear();
            for (int y = yLo; y < yHi; y++)
            {
                float* d = dst + y * ow;
                float* s = plane + (y * g.StrideH + offH) * g.Width + offW;
                for (int x = 0; x < xLo; x++) d[x] = 0f;
                if (g.StrideW == 1)
                    ShortRows.Copy(s + xLo, d + xLo, xHi - xLo);
                else
                    for (int x = xLo; x < xHi; x++) d[x] = s[x * g.StrideW];
                for (int x = xHi; x < ow; x++) d[x] = 0f;
            }
            if (yHi < oh) new Span<float>(dst + yHi * ow, (oh - yHi) * ow).Clear();
        }
    }

    private static unsafe void FoldChannel(float* columns, int batch, Im2ColGeometry g, float* images, int c)
    {
        int oh = g.OutHeight, ow = g.OutWidth, p = oh * ow, hw = g.Height * g.Width;
        for (int n = 0; n < batch; n++) new Span<float>(images + (long)n * g.ImageLength + (long)c * hw, hw).Clear();
        for (int ki = 0; ki < g.KernelH; ki++)
            for (int kj = 0; kj < g.KernelW; kj++)
            {
                int row = (c * g.KernelH + ki) * g.KernelW + kj;
                int offH = ki * g.DilationH - g.PadH, offW = kj * g.DilationW - g.PadW;
                var (yLo, yHi) = ValidRange(oh, g.Height, g.StrideH, offH);
                var (xLo, xHi) = ValidRange(ow, g.Width, g.StrideW, offW);
                float* srcRow = columns + (long)row * batch * p;
                for (int n = 0; n < batch; n++)
                {
                    float* plane = images + (long)n * g.ImageLength + (long)c * hw;
                    float* src = srcRow + (long)n * p;
                    for (int y = yLo; y < yHi; y++)
                    {
                        float* s = src + y * ow;
                        float* d = plane + (y * g.StrideH + offH) * g.Width + offW;
                        if (g.StrideW == 1)
                        {
                            var dst = new Span<float>(d + xLo, xHi - xLo);
                            TensorPrimitives.Add(dst, new ReadOnlySpan<float>(s + xLo, xHi - xLo), dst);
                        }
                        else
                            for (int x = xLo; x < xHi; x++) d[x * g.StrideW] += s[x];
                    }
                }
            }
    }
}
