using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace NeuralPipelines.Models.Kernels;

public static partial class DirectConv2d
{
    // The six-channel 512-bit tile (Block6x64): six channels × 64 positions.
    private const int SixBlock = 4 * WideLanes;

    /// <summary>The 512-bit tile for a last group of five or six channels: six output channels × 64 consecutive positions,
    /// 24 accumulators; per tap four loads of the plane and six broadcast weights feed 24 FMAs. Why: LeNet's layers with
    /// six output channels (the first layer, and the second layer's ∂C/∂x) ran as eight × 48 with a quarter of the
    /// multiply-adds on padding channels and, on their 248- and 892-position planes, more of the last block dropped.
    /// Each output is the same fused chain (bias, then the taps in order) as in <see cref="Block8x48"/>: the same bits.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe void Block6x64(float* src, int* offsets, int taps, float* wt, int ldw, float* bias, float* dst, int ldd)
    {
        var a00 = Vector512.Create(bias[0]); var a01 = a00; var a02 = a00; var a03 = a00;
        var a10 = Vector512.Create(bias[1]); var a11 = a10; var a12 = a10; var a13 = a10;
        var a20 = Vector512.Create(bias[2]); var a21 = a20; var a22 = a20; var a23 = a20;
        var a30 = Vector512.Create(bias[3]); var a31 = a30; var a32 = a30; var a33 = a30;
        var a40 = Vector512.Create(bias[4]); var a41 = a40; var a42 = a40; var a43 = a40;
        var a50 = Vector512.Create(bias[5]); var a51 = a50; var a52 = a50; var a53 = a50;
        float* w = wt;
        for (int t = 0; t < taps; t++, w += ldw)
        {
            float* row = src + offsets[t];
            var x0 = Vector512.Load(row); var x1 = Vector512.Load(row + WideLanes);
            var x2 = Vector512.Load(row + 2 * WideLanes); var x3 = Vector512.Load(row + 3 * WideLanes);
            var b = Vector512.Create(w[0]);
            a00 = Vector512.FusedMultiplyAdd(b, x0, a00); a01 = Vector512.FusedMultiplyAdd(b, x1, a01);
            a02 = Vector512.FusedMultiplyAdd(b, x2, a02); a03 = Vector512.FusedMultiplyAdd(b, x3, a03);
            b = Vector512.Create(w[1]);
            a10 = Vector512.FusedMultiplyAdd(b, x0, a10); a11 = Vector512.FusedMultiplyAdd(b, x1, a11);
            a12 = Vector512.FusedMultiplyAdd(b, x2, a12); a13 = Vector512.FusedMultiplyAdd(b, x3, a13);
            b = Vector512.Create(w[2]);
            a20 = Vector512.FusedMultiplyAdd(b, x0, a20); a21 = Vector512.FusedMultiplyAdd(b, x1, a21);
            a22 = Vector512.FusedMultiplyAdd(b, x2, a22); a23 = Vector512.FusedMultiplyAdd(b, x3, a23);
            b = Vector512.Create(w[3]);
            a30 = Vector512.FusedMultiplyAdd(b, x0, a30); a31 = Vector512.FusedMultiplyAdd(b, x1, a31);
            a32 = Vector512.FusedMultiplyAdd(b, x2, a32); a33 = Vector512.FusedMultiplyAdd(b, x3, a33);
            b = Vector512.Create(w[4]);
            a40 = Vector512.FusedMultiplyAdd(b, x0, a40); a41 = Vector512.FusedMultiplyAdd(b, x1, a41);
            a42 = Vector512.FusedMultiplyAdd(b, x2, a42); a43 = Vector512.FusedMultiplyAdd(b, x3, a43);
            b = Vector512.Create(w[5]);
            a50 = Vector512.FusedMultiplyAdd(b, x0, a50); a51 = Vector512.FusedMultiplyAdd(b, x1, a51);
            a52 = Vector512.FusedMultiplyAdd(b, x2, a52); a53 = Vector512.FusedMultiplyAdd(b, x3, a53);
        }
        Store(a00, a01, a02, a03, dst);
        Store(a10, a11, a12, a13, dst + ldd);
        Store(a20, a21, a22, a23, dst + 2 * ldd);
        Store(a30, a31, a32, a33, dst + 3 * ldd);
        Store(a40, a41, a42, a43, dst + 4 * ldd);
        Store(a50, a51, a52, a53, dst + 5 * ldd);
    }

    private static unsafe void Store(Vector512<float> s0, Vector512<float> s1, Vector512<float> s2, Vector512<float> s3, float* dst)
    {
        Vector512.Store(s0, dst); Vector512.Store(s1, dst + WideLanes);
        Vector512.Store(s2, dst + 2 * WideLanes); Vector512.Store(s3, dst + 3 * WideLanes);
    }
}
