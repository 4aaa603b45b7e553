using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace NeuralPipelines.Models.Kernels;

/// <summary>
/// A GEMM operand B that is never stored: op(B)[p, j] = source[rows[p] + columns[j]]. A convolution's column matrix is
/// such a matrix (row p a kernel tap of a channel, column j an output position of an image, or the other way round for
/// ∂C/∂w), so the GEMM can pack its B panels straight from the (padded) image: implicit GEMM, no column matrix.
/// </summary>
/// <remarks>
/// Why: the column matrix of DCGAN's 64→128 4×4 stride-2 layer is 16 times its input; writing it and packing it back
/// cost a quarter of the layer's time on top of the product (docs/BENCHMARKS.md, "4×4 stride-2 convolutions").
/// Packing reads the source through the tables one panel row (16 columns) at a time. Each full panel has a kind, found
/// once when the tables are built: 16 contiguous floats (one vector), four runs of 4 (a 4×4 kernel's taps of one channel:
/// four 128-bit loads), two runs within 16 floats each (one 512-bit permute of two loads, where the source has 16 floats
/// to spare past its end) or anything else (two AVX2 gathers, or a scalar loop). Every kind copies the same floats, so the
/// product's bits are the bits of the GEMM on the stored column matrix (each element one fused multiply-add chain over k).
/// </remarks>
internal readonly unsafe struct GatheredB(float* source, int* rows, int* columns, byte* kinds, bool readsPast = false)
{
    public readonly float* Source = source;
    public readonly int* Rows = rows, Columns = columns;
    /// <summary>One <see cref="PanelKind"/> per full 16-column panel (index j / 16).</summary>
    public readonly byte* Kinds = kinds;
    /// <summary>Whether the source holds 16 more floats past the farthest offset the tables reach, so that a panel of
    /// <see cref="PanelKind.TwoRuns"/> may load 16 floats from either of its runs' starts.</summary>
    public readonly bool ReadsPast = readsPast;

    public bool IsSet => Rows != null;

    /// <summary>Columns of B packed per block (the GEMM's NC for a gathered B): a narrower block than the stored-B
    /// GEMM's 2048, so that a packed k step of B (KC × this) stays in a 2 MB L2 while the micro-kernel streams it.
    /// Kept within 16..2048 (the pack buffers are sized for 2048) and a multiple of 16.</summary>
    internal static int BlockWidth
    {
        get => s_blockWidth;
        set => s_blockWidth = Math.Clamp(value, NR, GemmBlocking.NC) / NR * NR;
    }
    private static int s_blockWidth = 768;

    private const int NR = GemmBlocking.NR;

    /// <summary>How a full panel's 16 column offsets are laid out.</summary>
    /// <remarks><see cref="TwoRuns"/>: every offset lies in the 16 floats from the panel's first offset or in the 16 from
    /// its first offset outside those (the second run's start). A convolution's output positions give such panels where a
    /// panel spans two rows of an 8-wide output plane (PatchGAN's and the U-Net's 8×8 stride-2 layers), one row of a
    /// 16-wide plane at stride 2, or three rows of a 7-wide plane at stride 1: one permute of two 16-float loads at 512
    /// bits, where the AVX2 gathers load each float apart.</remarks>
    public enum PanelKind : byte { Scattered = 0, Contiguous = 1, Quads = 2, TwoRuns = 3 }

    /// <summary>The kind of each full 16-column panel of <paramref name="columns"/> (the last, cut panel is packed by the
    /// scalar loop whatever its kind).</summary>
    public static void Classify(ReadOnlySpan<int> columns, Span<byte> kinds)
    {
        for (int q = 0; q < columns.Length / NR; q++)
        {
            var o = columns.Slice(q * NR, NR);
            bool contiguous = true, quads = true;
            for (int j = 1; j < NR; j++)
            {
                if (o[j] != o[0] + j) contiguous = false;
                if (o[j] != o[j & ~3] + (j & 3)) quads = false;
            }
            kinds[q] = (byte)(contiguous ? PanelKind.Contiguous : quads ? PanelKind.Quads : InTwoRuns(o) ? PanelKind.TwoRuns : PanelKind.Scattered);
        }
    }

    /// <summary>Whether each offset lies within 16 floats from the first offset or from the first one outside that.</summary>
    private static bool InTwoRuns(ReadOnlySpan<int> o)
    {
        int second = SecondRun(o);
        foreach (int x in o)
            if ((uint)(x - o[0]) >= NR && (uint)(x - second) >= NR) return false;
        return true;
    }

    /// <summary>The first offset outside the 16 floats from the first one (the first one itself when there is none).</summary>
    private static int SecondRun(ReadOnlySpan<int> o)
    {
        foreach (int x in o)
            if ((uint)(x - o[0]) >= NR) return x;
        return o[0];
    }

    /// <summary>Packs rows <paramref name="pFrom"/>..<paramref name="pTo"/> of op(B)[p0..p0+kc, j0..j0+nc] into the
    /// panel layout of <see cref="GemmPacking"/> (panels of NR columns, padded with zeros).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Pack(int p0, int j0, int nc, int kc, int pFrom, int pTo, float* dst)
    {
        int full = nc / NR, rest = nc - full * NR, panel0 = j0 / NR;
        bool vector = SimdWidth.Current != SimdPath.Scalar && Avx2.IsSupported;
        bool permutes = ReadsPast && TwoRunsPermute && SimdWidth.Current == SimdPath.Vector512 && Avx512F.IsSupported;
        // Panel by panel, each written front to back: row by row across all panels (as PackBRows reads a stored B) would
        // store into a different page every 16 floats, which cost more than the gathers themselves.
        for (int q = 0; q <= full; q++)
        {
            int* o = Columns + j0 + q * NR;
            float* d = dst + (nint)q * kc * NR;
            if (q == full)
            {
                if (rest > 0)
                    for (int p = pFrom; p < pTo; p++)
                    {
                        float* row = Source + Rows[p0 + p];
                        for (int j = 0; j < NR; j++) d[p * NR + j] = j < rest ? row[o[j]] : 0f;
                    }
                break;
            }
            var kind = vector ? (PanelKind)Kinds[panel0 + q] : PanelKind.Scattered;
            if (kind == PanelKind.TwoRuns && !permutes) kind = PanelKind.Scattered;
            if (kind == PanelKind.TwoRuns)
            {
                // Lane j takes float o[j] − first of the first load, or 16 + o[j] − second of the second.
                var offsets = Vector512.Load(o);
                int first = o[0], second = SecondRun(new ReadOnlySpan<int>(o, NR));
                var fromFirst = offsets - Vector512.Create(first);
                var inFirst = Vector512.LessThan(fromFirst.AsUInt32(), Vector512.Create((uint)NR)).AsInt32();
                var index = Vector512.ConditionalSelect(inFirst, fromFirst, offsets - Vector512.Create(second - NR));
                for (int p = pFrom; p < pTo; p++)
                {
                    float* row = Source + Rows[p0 + p];
                    Vector512.Store(Avx512F.PermuteVar16x32x2(Vector512.Load(row + first), index, Vector512.Load(row + second)), d + p * NR);
                }
            }
            else if (kind == PanelKind.Contiguous)
                for (int p = pFrom; p < pTo; p++)
                {
                    float* row = Source + Rows[p0 + p] + o[0];
                    Vector256.Store(Vector256.Load(row), d + p * NR);
                    Vector256.Store(Vector256.Load(row + 8), d + p * NR + 8);
                }
            else if (kind == PanelKind.Quads)
            {
                int o0 = o[0], o1 = o[4], o2 = o[8], o3 = o[12];
                for (int p = pFrom; p < pTo; p++)
                {
                    float* row = Source + Rows[p0 + p];
                    float* to = d + p * NR;
                    Vector128.Store(Vector128.Load(row + o0), to);
                    Vector128.Store(Vector128.Load(row + o1), to + 4);
                    Vector128.Store(Vector128.Load(row + o2), to + 8);
                    Vector128.Store(Vector128.Load(row + o3), to + 12);
                }
            }
            else if (vector && Gathers)
            {
                var lo = Vector256.Load(o);
                var hi = Vector256.Load(o + 8);
                for (int p = pFrom; p < pTo; p++)
                {
                    float* row = Source + Rows[p0 + p];
                    Vector256.Store(Avx2.GatherVector256(row, lo, 4), d + p * NR);
                    Vector256.Store(Avx2.GatherVector256(row, hi, 4), d + p * NR + 8);
                }
            }
            else
                for (int p = pFrom; p < pTo; p++)
                {
                    float* row = Source + Rows[p0 + p];
                    for (int j = 0; j < NR; j++) d[p * NR + j] = row[o[j]];
                }
        }
    }

    /// <summary>Scattered panels through AVX2 gathers (true) or a scalar loop (false): for A/B timing, same bits.</summary>
    internal static bool Gathers { get; set; } = true;

    /// <summary>Two-run panels through one 512-bit permute (true) or as scattered ones (false): for A/B timing
    /// (<c>race pix2pix --ab two-runs</c>), same bits.</summary>
    internal static bool TwoRunsPermute { get; set; } = true;
}
