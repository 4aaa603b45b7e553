namespace NeuralPipelines.Models.Kernels;

/// <summary>
/// One image copied into zero-bordered planes of a given size (the stride-1 case of <see cref="FlatPlanes"/>): row r,
/// column k of a plane holds pixel (r − padH, k − padW), or zero outside the image.
/// </summary>
internal static class PaddedImage
{
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
