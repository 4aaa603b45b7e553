namespace NeuralPipelines.Models.Kernels;

/// <summary>The block sizes of the packed GEMM (Goto/BLIS loop nest), chosen by measurement on a 2-core Zen machine
/// (256 bits) and a 2-core Emerald Rapids one (512 bits).</summary>
/// <remarks>
/// MR×NR is the register tile: 6 rows × 16 columns = 12 <c>Vector256</c> accumulators, plus two B vectors and one
/// broadcast of A, fits the 16 architectural ymm registers without spills. KC is the depth of one packed step: a 6×KC
/// sliver of A and a KC×16 sliver of B (16 KiB) stay in L1 while the tile is computed. MC×KC of packed A (144 KiB)
/// lives in L2. At 512 bits the same packed layout feeds the 12×32 tile of <see cref="GemmMicroKernelWide"/> (two A
/// slivers, two B panels), so one packing serves every width and the widths give the same bits; there a 12-row sliver
/// pair (12 KiB) stays in L1 and the KC×NC block of packed B (1 MiB) streams from L2 (<see cref="GemmDriver"/>).
/// KC fixes the order of the sums (each k step's chain is added to C), so changing it changes the bits of every product.
/// </remarks>
internal static class GemmBlocking
{
    public const int MR = 6;
    public const int NR = 16;
    public const int MC = 144;   // multiple of MR
    public const int KC = 256;   // KC = 128 lost ~17% at large n
    public const int NC = 1024;  // multiple of NR; KC×NC (1 MiB) stays in a 2 MiB L2 (2048 lost 15 % at n = 2048)

    /// <summary>Packed-A floats for one MC×KC block (row panels padded to MR).</summary>
    public const int PackedALength = MC * KC;

    /// <summary>Packed-B floats for a KC×nc block of B, column panels padded to NR.</summary>
    public static int PackedBLength(int n, int k) => Math.Min(k, KC) * RoundUp(Math.Min(n, NC), NR);

    public static int RoundUp(int x, int to) => (x + to - 1) / to * to;
}
