namespace NeuralPipelines.Models.Kernels;

/// <summary>The plain twin of <see cref="DirectConv2d"/>: the convolution's definition, one product at a time. Tests compare against it.</summary>
public static class DirectConv2dReference
{
    /// <summary>output[n,o,y,x] = b[o] + Σ_c,i,j w[o,c,i,j]·image[n,c,y·s − p + i·d, x·s − p + j·d] (0 outside the image).</summary>
    public static void Forward(ReadOnlySpan<float> images, int batch, Im2ColGeometry g, ReadOnlySpan<float> weight, int outChannels,
        ReadOnlySpan<float> bias, Span<float> output)
    {
        int oh = g.OutHeight, ow = g.OutWidth;
        for (int n = 0; n < batch; n++)
            for (int o = 0; o < outChannels; o++)
                for (int y = 0; y < oh; y++)
                    for (int x = 0; x < ow; x++)
                    {
                        float sum = bias.Length == 0 ? 0f : bias[o];
                        for (int c = 0; c < g.Channels; c++)
                            for (int i = 0; i < g.KernelH; i++)
                                for (int j = 0; j < g.KernelW; j++)
                                {
                                    int ih = y * g.StrideH - g.PadH + i * g.DilationH, iw = x * g.StrideW - g.PadW + j * g.DilationW;
                                    if (ih >= 0 && ih < g.Height && iw >= 0 && iw < g.Width)
                                        sum += weight[((o * g.Channels + c) * g.KernelH + i) * g.KernelW + j]
                                             * images[n * g.ImageLength + (c * g.Height + ih) * g.Width + iw];
                                }
                        output[((n * outChannels + o) * oh + y) * ow + x] = sum;
                    }
    }
}
