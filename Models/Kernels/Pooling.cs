namespace NeuralPipelines.Models.Kernels;

/// <summary>
/// Max and average pooling over the planes of an NCHW batch (g.Channels counts every plane of the batch: N·C), forward
/// and backward. <see cref="PoolingReference"/> is the plain twin. Max pooling's forward pass over 2×2
/// windows at stride 2 runs through <see cref="MaxPool2x2"/>.
/// </summary>
/// <remarks>
/// Planes are independent (a window never leaves its plane, and a plane's δ only reaches its own pixels), so they are
/// shared between threads by <see cref="KernelLoop"/>'s policy with the same bits on any number of threads. Padding
/// never wins a maximum (it counts as −∞) and a window's mean divides by its real pixels, or by k·k when
/// <c>countIncludePad</c>. Ties go to the first maximum, as in PyTorch and ONNX.
/// </remarks>
public static unsafe class Pooling
{
    /// <summary>y = the maximum of each window, and its winner's index in x (for backward) in <paramref name="winners"/>.</summary>
    public static void MaxForward(ReadOnlySpan<float> x, Im2ColGeometry g, Span<float> y, Span<int> winners)
    {
        Check("MaxForward", x.Length, y.Length, g);
        if (winners.Length < g.Channels * g.OutPixels) throw new ArgumentException($"Pooling.MaxForward: {winners.Length} winner slots for {g.Channels * g.OutPixels} outputs.");
        fixed (float* px = x) fixed (float* py = y) fixed (int* pw = winners)
            KernelLoop.For(g.Channels, (long)g.Channels * g.Height * g.Width, (X: (nint)px, Y: (nint)py, W: (nint)pw, G: g), static (j, plane) =>
            {
                if (MaxPool2x2.Suits(j.G)) MaxPool2x2.Forward((float*)j.X, j.G, plane, (float*)j.Y, (int*)j.W);
                else MaxPlane((float*)j.X, j.G, plane, (float*)j.Y, (int*)j.W);
            });
    }

    private static void MaxPlane(float* x, Im2ColGeometry g, int plane, float* y, int* winners)
    {
        int h = g.Height, w = g.Width, oh = g.OutHeight, ow = g.OutWidth, inBase = plane * h * w, outBase = plane * oh * ow;
        for (int i = 0; i < oh; i++)
        {
            int h0 = Math.Max(i * g.StrideH - g.PadH, 0), h1 = Math.Min(i * g.StrideH - g.PadH + g.KernelH, h);
            for (int j = 0; j < ow; j++)
            {
                int w0 = Math.Max(j * g.StrideW - g.PadW, 0), w1 = Math.Min(j * g.StrideW - g.PadW + g.KernelW, w);
                int best = inBase + h0 * w + w0;
                float max = x[best];
                for (int r = h0; r < h1; r++)
                    for (int s = w0; s < w1; s++)
                    {
                        int k = inBase + r * w + s;
                        if (x[k] > max) { max = x[k]; best = k; }
                    }
                y[outBase + i * ow + j] = max;
                winners[outBase + i * ow + j] = best;
            }
        }
    }

    /// <summary>y = the maximum of each 2×2 block (stride 2, no padding), without winners: inference's common pool,
    /// two rows at a time and no bookkeeping.</summary>
    public static void Max2x2(ReadOnlySpan<float> x, Im2ColGeometry g, Span<float> y)
    {
        if (g is not { KernelH: 2, KernelW: 2, StrideH: 2, StrideW: 2, PadH: 0, PadW: 0 })
            throw new ArgumentException($"Pooling.Max2x2 takes 2×2 windows at stride 2 without padding, got {g}.");
        Check("Max2x2", x.Length, y.Length, g);
        fixed (float* px = x) fixed (float* py = y)
            KernelLoop.For(g.Channels, (long)g.Channels * g.Height * g.Width, (X: (nint)px, Y: (nint)py, G: g), static (j, plane) =>
            {
                var g = j.G;
                int w = g.Width, oh = g.OutHeight, ow = g.OutWidth;
                float* src = (float*)j.X + (long)plane * g.Height * w, dst = (float*)j.Y + (long)plane * oh * ow;
                for (int i = 0; i < oh; i++)
                {
                    float* top = src + 2 * i * w, bottom = top + w, row = dst + i * ow;
                    for (int c = 0; c < ow; c++)
                        row[c] = MathF.Max(MathF.Max(top[2 * c], top[2 * c + 1]), MathF.Max(bottom[2 * c], bottom[2 * c + 1]));
                }
            });
    }

    /// <summary>dx = 0 except at each window's winner, which receives that window's δ (summed where windows share it).</summary>
    public static void MaxBackward(ReadOnlySpan<float> dy, ReadOnlySpan<int> winners, Im2ColGeometry g, Span<float> dx)
    {
        Check("MaxBackward", dx.Length, dy.Length, g);
        fixed (float* pd = dy) fixed (int* pw = winners) fixed (float* px = dx)
            KernelLoop.For(g.Channels, (long)g.Channels * g.Height * g.Width, (D: (nint)pd, W: (nint)pw, X: (nint)px, G: g), static (j, plane) =>
            {
                int length = j.G.Height * j.G.Width, outs = j.G.OutPixels;
                // Only the winner of each window influenced C, so only it receives that window's δ.
                new Span<float>((float*)j.X + (long)plane * length, length).Clear();
                float* dy = (float*)j.D, dx = (float*)j.X;
                int* winners = (int*)j.W;
                for (int k = plane * outs; k < (plane + 1) * outs; k++) dx[winners[k]] += dy[k];
            });
    }

    /// <summary>y = the mean of each window.</summary>
    public static void AverageForward(ReadOnlySpan<float> x, Im2ColGeometry g, bool countIncludePad, Span<float> y)
    {
        Check("AverageForward", x.Length, y.Length, g);
        fixed (float* px = x) fixed (float* py = y)
            KernelLoop.For(g.Channels, (long)g.Channels * g.Height * g.Width, (X: (nint)px, Y: (nint)py, G: g, Pad: countIncludePad), static (j, plane) =>
            {
                var g = j.G;
                int h = g.Height, w = g.Width, oh = g.OutHeight, ow = g.OutWidth;
                var xs = new ReadOnlySpan<float>((float*)j.X + (long)plane * h * w, h * w);
                float* y = (float*)j.Y + (long)plane * oh * ow;
                for (int i = 0; i < oh; i++)
                    for (int c = 0; c < ow; c++)
                    {
                        var (h0, h1, w0, w1, scale) = Window(g, j.Pad, i, c);
                        float sum = 0f;
                        for (int r = h0; r < h1; r++) sum += TensorPrimitives.Sum(xs.Slice(r * w + w0, w1 - w0));
                        y[i * ow + c] = sum * scale;
                    }
            });
    }

    /// <summary>dx: each pixel of a window gets 1/count of that window's δ (it contributed 1/count of the output).</summary>
    public static void AverageBackward(ReadOnlySpan<float> dy, Im2ColGeometry g, bool countIncludePad, Span<float> dx)
    {
        Check("AverageBackward", dx.Length, dy.Length, g);
        fixed (float* pd = dy) fixed (float* px = dx)
            KernelLoop.For(g.Channels, (long)g.Channels * g.Height * g.Width, (D: (nint)pd, X: (nint)px, G: g, Pad: countIncludePad), static (j, plane) =>
            {
                var g = j.G;
                int h = g.Height, w = g.Width, oh = g.OutHeight, ow = g.OutWidth;
                var dxs = new Span<float>((float*)j.X + (long)plane * h * w, h * w);
                float* dy = (float*)j.D + (long)plane * oh * ow;
                dxs.Clear();
                for (int i = 0; i < oh; i++)
                    for (int c = 0; c < ow; c++)
                    {
                        var (h0, h1, w0, w1, scale) = Window(g, j.Pad, i, c);
                        float d = dy[i * ow + c] * scale;
                        for (int r = h0; r < h1; r++)
                        {
                            var row = dxs.Slice(r * w + w0, w1 - w0);
                            TensorPrimitives.Add(row, d, row);
                        }
                    }
            });
    }

    /// <summary>Output (i, j)'s window clipped to the plane, and 1/count of the pixels it averages.</summary>
    internal static (int H0, int H1, int W0, int W1, float Scale) Window(Im2ColGeometry g, bool countIncludePad, int i, int j)
    {
        int top = i * g.StrideH - g.PadH, left = j * g.StrideW - g.PadW;
        int h0 = Math.Max(top, 0), h1 = Math.Min(top + g.KernelH, g.Height), w0 = Math.Max(left, 0), w1 = Math.Min(left + g.KernelW, g.Width);
        int count = countIncludePad ? g.KernelH * g.KernelW : (h1 - h0) * (w1 - w0);
        return (h0, h1, w0, w1, 1f / count);
    }

    private static void Check(string name, int input, int output, Im2ColGeometry g)
    {
        long needIn = (long)g.Channels * g.Height * g.Width, needOut = (long)g.Channels * g.OutPixels;
        if (input < needIn || output < needOut)
            throw new ArgumentException($"Pooling.{name} of {g.Channels} planes {g.Height}×{g.Width} → {g.OutHeight}×{g.OutWidth} needs {needIn} and {needOut} floats, got {input} and {output}.");
    }
}
