using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

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
/// <para>Dealing is the copy that a strided layer pays per image before any arithmetic; done element by element with an
/// edge test each, it took half of ResNet-8's 16→32 stride-2 forward product and four fifths of its 1×1 projection's
/// (<c>race conv-layer</c>). So <see cref="Fill"/> fills only the phases some tap reads (a 1×1 stride-2 kernel reads one
/// of four), copies each image row once into a zero-bordered row so the deal has no edge tests, and deals stride 2 eight
/// outputs at a time. <see cref="FillReference"/> is its plain twin; both write the same floats.</para>
/// </remarks>
internal readonly struct FlatPlanes
{
    /// <param name="g">The convolution.</param>
    /// <param name="sharedBorders">At stride 1, rows of W + padW floats: the zero columns to the right of an image row are
    /// the ones to the left of the next, so each row computes kW − 1 − padW dropped positions instead of kW − 1 (ResNet-8's
    /// 3×3 layers on 28×28: 816 positions in 48-wide blocks instead of 864). Only for kernels that do not sum over
    /// positions (a ∂C/∂w's sums would run in another order).</param>
    public FlatPlanes(Im2ColGeometry g, bool sharedBorders = false)
    {
        G = g;
        Height = g.OutHeight + (g.KernelH - 1) * g.DilationH / g.StrideH;
        Width = g.OutWidth + (g.KernelW - 1) * g.DilationW / g.StrideW;
        // The rows can share a border when the window reaches at least padW columns to the right (OutWidth ≤ W + padW).
        // A window past a row's end reads the first padW floats of the next row, the border of whatever row follows (of
        // this plane, the next channel's, or the zeroed tail past the last).
        if (sharedBorders && g.StrideH == 1 && g.StrideW == 1 && g.PadW <= (g.KernelW - 1) * g.DilationW)
            Width = g.Width + g.PadW;
        Plane = Height * Width;
        ChannelLength = g.StrideH * g.StrideW * Plane;
        int phases = 0;
        for (int i = 0; i < g.KernelH; i++)
            for (int j = 0; j < g.KernelW; j++) phases |= PhaseBit(i * g.DilationH % g.StrideH * g.StrideW + j * g.DilationW % g.StrideW);
        PhasesRead = phases;
    }

    // A phase numbered 31 or more (strides whose product passes 31) has no bit of its own: it counts as read.
    private static int PhaseBit(int phase) => phase < 31 ? 1 << phase : -1;

    /// <summary>Bit a·StrideW + b is set when some tap reads phase plane (a, b).</summary>
    public int PhasesRead { get; }

    /// <summary>Whether some tap reads phase plane (a, b); <see cref="Fill"/> leaves the others zero.</summary>
    public bool Reads(int a, int b) => (PhasesRead & PhaseBit(a * G.StrideW + b)) != 0;

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

    /// <summary>Deals image x [C×H×W] into <paramref name="planes"/> [C × phases × Height × Width], zeros outside the image;
    /// the phase planes no tap reads (<see cref="Reads"/>) are zero.</summary>
    /// <param name="bordersZero">The planes already hold this layout's zeros: the last call of this layout on the same
    /// buffer wrote them, and nothing has written there since. A stride-1 deal then copies the image rows only (its
    /// zeros never change from image to image); a strided deal writes every plane it reads whole either way.</param>
    public unsafe void Fill(float* x, float* planes, bool bordersZero = false)
    {
        var g = G;
        if (g.StrideH == 1 && g.StrideW == 1) { FillOnePhase(x, planes, bordersZero); return; }
        // One plane row's phases read the padded columns 0 … StrideW·Width − 1; the row buffer holds them (the image row
        // at PadW, zeros around it) and a vector's worth more, which the last vector of a row reads.
        int span = g.StrideW * Width, length = span + 2 * DealLanes;
        if (length > MaxRow || !DealsFast) { FillReference(x, planes); return; }
        float* padded = stackalloc float[length];
        new Span<float>(padded, length).Clear();
        int copy = Math.Min(g.Width, span - g.PadW);
        bool vector = g.StrideW == 2 && SimdWidth.Current != SimdPath.Scalar && Avx2.IsSupported;
        for (int c = 0; c < g.Channels; c++)
            for (int a = 0; a < g.StrideH; a++)
            {
                float* phaseRow = planes + c * ChannelLength + a * g.StrideW * Plane;
                bool any = false;
                for (int b = 0; b < g.StrideW; b++)
                    if (Reads(a, b)) any = true;
                    else new Span<float>(phaseRow + b * Plane, Plane).Clear();
                if (!any) continue;
                for (int r = 0; r < Height; r++)
                {
                    int row = r * g.StrideH + a - g.PadH;
                    bool inside = row >= 0 && row < g.Height && copy > 0;
                    if (inside) ShortRows.Copy(x + ((long)c * g.Height + row) * g.Width, padded + g.PadW, copy);
                    // A row's last vector may write past its end into the next row of the same plane, which is written
                    // after it; the plane's last row is written exactly, so no write crosses into a plane already dealt.
                    // Rows narrower than a vector are written exactly too: their vector would reach past the next row,
                    // through the plane's end into the next plane, already dealt.
                    bool exact = r == Height - 1 || Width < DealLanes;
                    if (inside && vector)
                    {
                        DealTwo(padded, Reads(a, 0) ? phaseRow + r * Width : null, Reads(a, 1) ? phaseRow + Plane + r * Width : null, Width, exact);
                        continue;
                    }
                    for (int b = 0; b < g.StrideW; b++)
                    {
                        if (!Reads(a, b)) continue;
                        float* dst = phaseRow + b * Plane + r * Width;
                        if (!inside) new Span<float>(dst, Width).Clear();
                        else for (int k = 0; k < Width; k++) dst[k] = padded[k * g.StrideW + b];
                    }
                }
            }
    }

    /// <summary>Set to false to deal strided layers through <see cref="FillReference"/> (A/B timing: <c>race-cnn resnet --ab
    /// strided</c>); both write the same floats where a tap reads.</summary>
    public static bool DealsFast { get; set; } = true;

    // The deal's row buffer lives on the stack (of pool threads too): at most this many floats, 16 KB.
    private const int MaxRow = 1 << 12, DealLanes = 8;

    /// <summary>even[k] = row[2k] and odd[k] = row[2k + 1] for k &lt; width (either may be null: a phase no tap reads),
    /// eight of each at a time: two loads, one permute each, and one pick of 128-bit halves per phase.</summary>
    private static unsafe void DealTwo(float* row, float* even, float* odd, int width, bool exact)
    {
        // Eight floats to their four even ones in the lower half and their four odd ones in the upper.
        var split = Vector256.Create(0, 2, 4, 6, 1, 3, 5, 7);
        int k = 0, end = exact ? width - DealLanes + 1 : width;
        for (; k < end; k += DealLanes)
        {
            var lo = Avx2.PermuteVar8x32(Avx.LoadVector256(row + 2 * k), split);
            var hi = Avx2.PermuteVar8x32(Avx.LoadVector256(row + 2 * k + DealLanes), split);
            if (even != null) Avx.Store(even + k, Avx.Permute2x128(lo, hi, 0x20));
            if (odd != null) Avx.Store(odd + k, Avx.Permute2x128(lo, hi, 0x31));
        }
        for (; k < width; k++)
        {
            if (even != null) even[k] = row[2 * k];
            if (odd != null) odd[k] = row[2 * k + 1];
        }
    }

    /// <summary>The plain twin of <see cref="Fill"/> for strides above 1: every phase plane, each float with its own edge
    /// test. It writes the same floats as <see cref="Fill"/> in the phases some tap reads.</summary>
    public unsafe void FillReference(float* x, float* planes)
    {
        var g = G;
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
    private unsafe void FillOnePhase(float* x, float* planes, bool bordersZero)
    {
        var g = G;
        if (!bordersZero) new Span<float>(planes, g.Channels * Plane).Clear();
        // The planes hold the rows and columns the windows reach; an image wider or taller than that (padding 0 and a
        // window that does not reach the last pixels) is cut.
        int len = Math.Min(g.Width, Width - g.PadW);
        if (len <= 0) return;
        for (int c = 0; c < g.Channels; c++)
            for (int r = 0; r < g.Height && r + g.PadH < Height; r++)
                ShortRows.Copy(x + ((long)c * g.Height + r) * g.Width, planes + c * Plane + (r + g.PadH) * Width + g.PadW, len);
    }
}
