namespace NeuralPipelines.Models.Kernels;

/// <summary>The block sizes of the packed GEMM (Goto/BLIS loop nest), chosen by measurement on a 2-core Zen machine.</summary>
/// <remarks>
/// MR×NR is the register tile: 6 rows × 16 columns = 12 <c>Vector256</c> accumulators, plus two B vectors and one
/// broadcast of A, fits the 16 architectural ymm registers without spills. KC is the depth of one packed step: a 6×KC
/// sliver of A and a KC×16 sliver of B (16 KiB) stay in L1 while the tile is computed. MC×KC of packed A (144 KiB)
/// lives in L2; KC×NC of packed B is shared by all threads through L3. At 512 bits the same packed layout feeds the
/// 12×32 tile of <see cref="GemmMicroKernelWide"/> (two A slivers, two B panels: 32 KiB of B in an Intel core's 48 KiB
/// L1d), so one packing serves every width and the widths give the same bits.
/// </remarks>
internal static class GemmBlocking
{
    public const int MR = 6;
    public const int NR = 16;
    public const int MC = 144;   // multiple of MR
    public const int KC = 256;   // KC = 128 lost ~17% at large n
    public const int NC = 2048;  // multiple of NR

    /// <summary>Packed-A floats for one MC×KC block (row panels padded to MR).</summary>
    public const int PackedALength = MC * KC;

    /// <summary>Packed-B floats for a KC×nc block of B, column panels padded to NR.</summary>
    public static int PackedBLength(int n, int k) => Math.Min(k, KC) * RoundUp(Math.Min(n, NC), NR);

    public static int RoundUp(int x, int to) => (x + to - 1) / to * to;
}
