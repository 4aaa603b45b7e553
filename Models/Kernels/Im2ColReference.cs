namespace NeuralPipelines.Models.Kernels;

/// <summary>The plain twin of <see cref="Im2Col"/>: one element at a time, straight from the definition. Tests compare against it.</summary>
public static class Im2ColReference
{
    /// <summary>columns[(c·kH + i)·kW + j, n·P + oh·OW + ow] = image[n, c, oh·s − p + i·d, ow·s − p + j·d] (0 outside).</summary>
    public static void Unfold(ReadOnlySpan<float> images, int batch, Im2ColGeometry g, Span<float> columns)
    {
        int oh = g.OutHeight, ow = g.OutWidth, p = g.OutPixels, ld = batch * p;
        for (int c = 0; c < g.Channels; c++)
            for (int ki = 0; ki < g.KernelH; ki++)
                for (int kj = 0; kj < g.KernelW; kj++)
                {
                    int row = (c * g.KernelH + ki) * g.KernelW + kj;
                    for (int n = 0; n < batch; n++)
                        for (int y = 0; y < oh; y++)
                            for (int x = 0; x < ow; x++)
                            {
                                int ih = y * g.StrideH - g.PadH + ki * g.DilationH;
                                int iw = x * g.StrideW - g.PadW + kj * g.DilationW;
                                bool inside = ih >= 0 && ih < g.Height && iw >= 0 && iw < g.Width;
                                columns[row * ld + n * p + y * ow + x] =
                                    inside ? images[n * g.ImageLength + (c * g.Height + ih) * g.Width + iw] : 0f;
                            }
                }
    }

    /// <summary>The adjoint of <see cref="Unfold"/>: each column entry is added back to the pixel it was read from.</summary>
    public static void Fold(ReadOnlySpan<float> columns, int batch, Im2ColGeometry g, Span<float> images)
    {
        int oh = g.OutHeight, ow = g.OutWidth, p = g.OutPixels, ld = batch * p;
        images[..(batch * g.ImageLength)].Clear();
        for (int c = 0; c < g.Channels; c++)
            for (int ki = 0; ki < g.KernelH; ki++)
                for (int kj = 0; kj < g.KernelW; kj++)
                {
                    int row = (c * g.KernelH + ki) * g.KernelW + kj;
                    for (int n = 0; n < batch; n++)
                        for (int y = 0; y < oh; y++)
                            for (int x = 0; x < ow; x++)
                            {
                                int ih = y * g.StrideH - g.PadH + ki * g.DilationH;
                                int iw = x * g.StrideW - g.PadW + kj * g.DilationW;
                                if (ih >= 0 && ih < g.Height && iw >= 0 && iw < g.Width)
                                    images[n * g.ImageLength + (c * g.Height + ih) * g.Width + iw] += columns[row * ld + n * p + y * ow + x];
                            }
                }
    }
}
