namespace NeuralPipelines.Models.Kernels;

/// <summary>
/// One image copied into zero-bordered planes, so that the direct kernels' inner loops read every window tap without an
/// edge test: tap (i, j) of output pixel (y, x) is plane[y + i][x + j]. Stride 1 and dilation 1 only.
/// </summary>
/// <remarks>
/// Each plane has the rows the windows reach and a width rounded up so that the last, partial vector of an output row
/// still reads inside the plane (and reads zeros there).
/// </remarks>
internal static class PaddedImage
{
    public static (int Height, int Width) PlaneSize(Im2ColGeometry g, int lanes) =>
        (g.OutHeight + g.KernelH - 1, (g.OutWidth + lanes - 1) / lanes * lanes + g.KernelW - 1);

    /// <summary>Copies image x [C×H×W] into <paramref name="padded"/> [C×ph×pw], zeros around it.</summary>
    public static unsafe void Fill(float* x, Im2ColGeometry g, float* padded, int ph, int pw)
    {
        int plane = ph * pw;
        new Span<float>(padded, g.Channels * plane).Clear();
        int w0 = Math.Max(0, -g.PadW), len = Math.Min(g.Width, pw - g.PadW) - w0;
        if (len <= 0) return;
        for (int c = 0; c < g.Channels; c++)
            for (int r = 0; r < g.Height; r++)
            {
                int pr = r + g.PadH;
                if (pr >= ph) break;
                new ReadOnlySpan<float>(x + ((long)c * g.Height + r) * g.Width + w0, len)
                    .CopyTo(new Span<float>(padded + c * plane + pr * pw + g.PadW + w0, len));
            }
    }
}
