using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace NeuralPipelines.Models.Kernels;

public static partial class DirectConv2dWeightGradient
{
    // Taps per six-channel tile (TileSix).
    private const int SixTaps = 4;

    /// <summary>The 512-bit tile for a last group of five or six channels: three woven pairs of δ planes (six channels) ×
    /// four taps over every position of one image, twelve zmm accumulators; per eight positions four loads of the planes,
    /// three of δ, twelve FMAs. Why: LeNet's first layer (six channels) ran as eight × three taps with a quarter of the
    /// multiply-adds on padding channels. Every lane sums the products <see cref="TileWide"/> and <see cref="Tile"/> sum,
    /// in the same order, so the bits are theirs.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe void TileSix(float* pairs, int pairStride, float* t0, float* t1, float* t2, float* t3, int vectors,
        float* partial, int strideO)
    {
        Vector512<float> a00 = default, a01 = default, a02 = default, a03 = default;
        Vector512<float> a10 = default, a11 = default, a12 = default, a13 = default;
        Vector512<float> a20 = default, a21 = default, a22 = default, a23 = default;
        float* d = pairs;
        for (int v = 0, q = 0; v < vectors; v++, q += Lanes, d += 2 * Lanes)
        {
            var x0 = WideLoads.Twice(t0 + q); var x1 = WideLoads.Twice(t1 + q);
            var x2 = WideLoads.Twice(t2 + q); var x3 = WideLoads.Twice(t3 + q);
            var d0 = Vector512.Load(d);
            a00 = Vector512.FusedMultiplyAdd(d0, x0, a00); a01 = Vector512.FusedMultiplyAdd(d0, x1, a01);
            a02 = Vector512.FusedMultiplyAdd(d0, x2, a02); a03 = Vector512.FusedMultiplyAdd(d0, x3, a03);
            var d1 = Vector512.Load(d + pairStride);
            a10 = Vector512.FusedMultiplyAdd(d1, x0, a10); a11 = Vector512.FusedMultiplyAdd(d1, x1, a11);
            a12 = Vector512.FusedMultiplyAdd(d1, x2, a12); a13 = Vector512.FusedMultiplyAdd(d1, x3, a13);
            var d2 = Vector512.Load(d + 2 * pairStride);
            a20 = Vector512.FusedMultiplyAdd(d2, x0, a20); a21 = Vector512.FusedMultiplyAdd(d2, x1, a21);
            a22 = Vector512.FusedMultiplyAdd(d2, x2, a22); a23 = Vector512.FusedMultiplyAdd(d2, x3, a23);
        }
        Add(partial, a00.GetLower(), a01.GetLower(), a02.GetLower(), a03.GetLower());
        Add(partial + strideO, a00.GetUpper(), a01.GetUpper(), a02.GetUpper(), a03.GetUpper());
        Add(partial + 2 * strideO, a10.GetLower(), a11.GetLower(), a12.GetLower(), a13.GetLower());
        Add(partial + 3 * strideO, a10.GetUpper(), a11.GetUpper(), a12.GetUpper(), a13.GetUpper());
        Add(partial + 4 * strideO, a20.GetLower(), a21.GetLower(), a22.GetLower(), a23.GetLower());
        Add(partial + 5 * strideO, a20.GetUpper(), a21.GetUpper(), a22.GetUpper(), a23.GetUpper());
    }

    private static unsafe void Add(float* p, Vector256<float> j0, Vector256<float> j1, Vector256<float> j2, Vector256<float> j3)
    {
        Add(p, j0, j1, j2);
        Avx.Store(p + 3 * Lanes, Avx.Add(Avx.LoadVector256(p + 3 * Lanes), j3));
    }
}
