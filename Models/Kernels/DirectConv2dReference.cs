namespace NeuralPipelines.Models.Kernels;

/// <summary>The plain twins of <see cref="DirectConv2d"/> and <see cref="DirectConv2dWeightGradient"/>: the convolution's
/// definition and its two gradients, one product at a time. Tests compare against them.</summary>
/// <remarks><see cref="InputGradient"/> is also the definition of a transposed convolution (the scatter of each input pixel
/// through the kernel), so the <c>ConvTranspose2d</c> tests use it as that layer's twin.</remarks>
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

    /// <summary>weightGradient[o,c,i,j] += Σ_n,y,x gradients[n,o,y,x]·image[n,c,y·s − p + i·d, x·s − p + j·d] (0 outside the image).</summary>
    public static void WeightGradient(ReadOnlySpan<float> images, ReadOnlySpan<float> gradients, int batch, Im2ColGeometry g, int outChannels,
        Span<float> weightGradient)
    {
        int oh = g.OutHeight, ow = g.OutWidth;
        for (int o = 0; o < outChannels; o++)
            for (int c = 0; c < g.Channels; c++)
                for (int i = 0; i < g.KernelH; i++)
                    for (int j = 0; j < g.KernelW; j++)
                    {
                        double sum = 0;
                        for (int n = 0; n < batch; n++)
                            for (int y = 0; y < oh; y++)
                                for (int x = 0; x < ow; x++)
                                {
                                    int ih = y * g.StrideH - g.PadH + i * g.DilationH, iw = x * g.StrideW - g.PadW + j * g.DilationW;
                                    if (ih >= 0 && ih < g.Height && iw >= 0 && iw < g.Width)
                                        sum += (double)gradients[((n * outChannels + o) * oh + y) * ow + x]
                                             * images[n * g.ImageLength + (c * g.Height + ih) * g.Width + iw];
                                }
                        weightGradient[((o * g.Channels + c) * g.KernelH + i) * g.KernelW + j] += (float)sum;
                    }
    }

    /// <summary>inputGradient[n,c,·,·] = Σ_o,i,j gradients[n,o,y,x]·w[o,c,i,j] scattered to the pixel each tap read.</summary>
    public static void InputGradient(ReadOnlySpan<float> gradients, int batch, Im2ColGeometry g, ReadOnlySpan<float> weight, int outChannels,
        Span<float> inputGradient)
    {
        int oh = g.OutHeight, ow = g.OutWidth;
        inputGradient[..(batch * g.ImageLength)].Clear();
        for (int n = 0; n < batch; n++)
            for (int o = 0; o < outChannels; o++)
                for (int y = 0; y < oh; y++)
                    for (int x = 0; x < ow; x++)
                    {
                        float d = gradients[((n * outChannels + o) * oh + y) * ow + x];
                        for (int c = 0; c < g.Channels; c++)
                            for (int i = 0; i < g.KernelH; i++)
                                for (int j = 0; j < g.KernelW; j++)
                                {
                                    int ih = y * g.StrideH - g.PadH + i * g.DilationH, iw = x * g.StrideW - g.PadW + j * g.DilationW;
                                    if (ih >= 0 && ih < g.Height && iw >= 0 && iw < g.Width)
                                        inputGradient[n * g.ImageLength + (c * g.Height + ih) * g.Width + iw] +=
                                            d * weight[((o * g.Channels + c) * g.KernelH + i) * g.KernelW + j];
                                }
                    }
    }
}
