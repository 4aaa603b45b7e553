namespace NeuralPipelines.Models.Kernels;

/// <summary>The plain twin of <see cref="Pooling"/>: every window read tap by tap, padding tested per tap, one plane after
/// another on one thread.</summary>
public static class PoolingReference
{
    public static void MaxForward(ReadOnlySpan<float> x, Im2ColGeometry g, Span<float> y, Span<int> winners)
    {
        int h = g.Height, w = g.Width, oh = g.OutHeight, ow = g.OutWidth;
        for (int plane = 0; plane < g.Channels; plane++)
            for (int i = 0; i < oh; i++)
                for (int j = 0; j < ow; j++)
                {
                    int best = -1;
                    for (int a = 0; a < g.KernelH; a++)
                        for (int b = 0; b < g.KernelW; b++)
                        {
                            int r = i * g.StrideH - g.PadH + a, c = j * g.StrideW - g.PadW + b;
                            if (r < 0 || r >= h || c < 0 || c >= w) continue;
                            int k = (plane * h + r) * w + c;
                            if (best < 0 || x[k] > x[best]) best = k;
                        }
                    y[(plane * oh + i) * ow + j] = x[best];
                    winners[(plane * oh + i) * ow + j] = best;
                }
    }

    public static void MaxBackward(ReadOnlySpan<float> dy, ReadOnlySpan<int> winners, Im2ColGeometry g, Span<float> dx)
    {
        dx[..(g.Channels * g.Height * g.Width)].Clear();
        for (int k = 0; k < g.Channels * g.OutPixels; k++) dx[winners[k]] += dy[k];
    }

    public static void AverageForward(ReadOnlySpan<float> x, Im2ColGeometry g, bool countIncludePad, Span<float> y)
    {
        int h = g.Height, w = g.Width, oh = g.OutHeight, ow = g.OutWidth;
        for (int plane = 0; plane < g.Channels; plane++)
            for (int i = 0; i < oh; i++)
                for (int j = 0; j < ow; j++)
                {
                    double sum = 0; int count = 0;
                    for (int a = 0; a < g.KernelH; a++)
                        for (int b = 0; b < g.KernelW; b++)
                        {
                            int r = i * g.StrideH - g.PadH + a, c = j * g.StrideW - g.PadW + b;
                            if (r < 0 || r >= h || c < 0 || c >= w) continue;
                            sum += x[(plane * h + r) * w + c]; count++;
                        }
                    y[(plane * oh + i) * ow + j] = (float)(sum / (countIncludePad ? g.KernelH * g.KernelW : count));
                }
    }

    public static void AverageBackward(ReadOnlySpan<float> dy, Im2ColGeometry g, bool countIncludePad, Span<float> dx)
    {
        int h = g.Height, w = g.Width, oh = g.OutHeight, ow = g.OutWidth;
        dx[..(g.Channels * h * w)].Clear();
        for (int plane = 0; plane < g.Channels; plane++)
            for (int i = 0; i < oh; i++)
                for (int j = 0; j < ow; j++)
                {
                    int count = 0;
                    for (int pass = 0; pass < 2; pass++)
                        for (int a = 0; a < g.KernelH; a++)
                            for (int b = 0; b < g.KernelW; b++)
                            {
                                int r = i * g.StrideH - g.PadH + a, c = j * g.StrideW - g.PadW + b;
                                if (r < 0 || r >= h || c < 0 || c >= w) continue;
                                if (pass == 0) { count++; continue; }
                                dx[(plane * h + r) * w + c] += dy[(plane * oh + i) * ow + j] / (countIncludePad ? g.KernelH * g.KernelW : count);
                            }
                }
    }
}
