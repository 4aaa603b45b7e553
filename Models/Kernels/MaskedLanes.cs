using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace NeuralPipelines.Models.Kernels;

/// <summary>The first lanes of a 512-bit vector: the mask of them, and a store of only them, for the 512-bit kernels'
/// edges (a row of C cut by a panel's end, the last vector of a row of pixels).</summary>
internal static unsafe class MaskedLanes
{
    /// <summary>Lanes [0, <paramref name="count"/>) set.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> First(int count) =>
        Vector512.LessThan(Vector512<int>.Indices, Vector512.Create(count)).AsSingle();

    /// <summary>The first <paramref name="count"/> lanes of <paramref name="v"/> at <paramref name="to"/>: all sixteen
    /// from 16 up, none at 0 or below; the floats past them neither read nor written.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(float* to, Vector512<float> v, int count)
    {
        if (count >= 16) v.Store(to);
        else if (count > 0) Avx512F.MaskStore(to, First(count), v);
    }
}
