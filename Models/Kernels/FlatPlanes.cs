namespace NeuralPipelines.Models.Kernels;

/// <summary>
/// The layout in which <see cref="DirectConv2d"/> reads one image: zero-bordered planes, split by stride phase, read as one
/// long row each, so that every tap of every output position is a fixed offset from the position itself.
/// </summary>
/// <remarks>
/// Output pixel (y, x) is position q = y·Width + x. With stride s, the padded rows and columns are dealt into s·s phase
/// planes (row r of phase (a, b) holds padded row r·s + a, and likewise for columns), so tap (i, j) of position q sits at
/// q + <see cref="Offset"/>(c, i, j) for every q: a block of consecutive positions may run across row ends, and the
/// positions with x ≥ OutWidth are computed and dropped. Stride 1 is the special case of one phase.
/// </remarks>
internal readonly struct FlatPlanes
{
    public FlatPlanes(Im2ColGeometry g)
    {
        G = g;
        Height = g.OutHeight + (g.KernelH - 1) * g.DilationH / g.StrideH;
        Width = g.OutWidth + (g.KernelW - 1) * g.DilationW / g.StrideW;
        Plane = Height * Width;
        ChannelLength = g.StrideH * g.StrideW * Plane;
    }

    public Im2ColGeometry G { get; }
    /// <summary>Rows and width of one phase plane.</summary>
    public int Height { get; }
    public int Width { get; }
    public int Plane { get; }
    /// <summary>Floats per input channel: all its phase planes.</summary>
    public int ChannelLength { get; }
    /// <summary>One past the last output position that is kept.</summary>
    public int Positions => (G.OutHeight - 1) * Width + G.OutWidth;

    /// <summary>Where tap (i, j) of channel c sits, relative to the output position.</summary>
    public int Offset(int c, int i, int j)
    {
        int di = i * G.DilationH, dj = j * G.DilationW;
        int phase = di % G.StrideH * G.StrideW + dj % G.StrideW;
        return c * ChannelLength + phase * Plane + di / G.StrideH * Width + dj / G.StrideW;
    }

    /// <summary>Writes <see cref="Offset"/> of every tap, in the weights' order (c, i, j), into the first C·kH·kW entries.</summary>
    public void WriteOffsets(Span<int> offsets)
    {
        for (int c = 0, t = 0; c < G.Channels; c++)
            for (int i = 0; i < G.KernelH; i++)
                for (int j = 0; j < G.KernelW; j++) offsets[t++] = Offset(c, i, j);
    }

    /// <summary>Deals image x [C×H×W] into <paramref name="planes"/> [C × phases × Height × Width], zeros outside the image.</summary>
    public unsafe void Fill(float* x, float* planes)
    {
        var g = G;
        if (g.StrideH == 1 && g.StrideW == 1) { FillOnePhase(x, planes); return; }
        for (int c = 0; c < g.Channels; c++)
            for (int a = 0; a < g.StrideH; a++)
                for (int b = 0; b < g.StrideW; b++)
                {
                    float* dst = planes + c * ChannelLength + (a * g.StrideW + b) * Plane;
                    for (int r = 0; r < Height; r++, dst += Width)
                    {
                        int row = r * g.StrideH + a - g.PadH;
                        if (row < 0 || row >= g.Height) { new Span<float>(dst, Width).Clear(); continue; }
                        float* src = x + ((long)c * g.Height + row) * g.Width;
                        for (int k = 0; k < Width; k++)
                        {
                            int col = k * g.StrideW + b - g.PadW;
                            dst[k] = col >= 0 && col < g.Width ? src[col] : 0f;
                        }
                    }
                }
    }

    /// <summary>Stride 1: one phase, so each image row lands whole in a plane row (a copy, not a gather).</summary>
    private unsafe void FillOnePhase(float* x, float* planes)
    {
        var g = G;
        new Span<float>(planes, g.Channels * Plane).Clear();
        // The planes hold the rows and columns the windows reach; an image wider or taller than that (padding 0 and a
        // window that does not reach the last pixels) is cut.
        int len = Math.Min(g.Width, Width - g.PadW);
        if (len <= 0) return;
        for (int c = 0; c < g.Channels; c++)
            for (int r = 0; r < g.Height && r + g.PadH < Height; r++)
                new ReadOnlySpan<float>(x + ((long)c * g.Height + r) * g.Width, len)
                    .CopyTo(new Span<float>(planes + c * Plane + (r + g.PadH) * Width + g.PadW, len));
    }
}
