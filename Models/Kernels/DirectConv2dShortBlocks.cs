using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace NeuralPipelines.Models.Kernels;

public static partial class DirectConv2d
{
    /// <summary>A block of eight output channels at 512 bits, 48 positions wide or, where 16 or 32 are left, that wide: eight
    /// output channels × 16 (<see cref="Block8x16"/>) or × 32 (<see cref="Block8x32"/>). Why: a 14×14 plane has 209
    /// positions (ResNet-8's 32-channel layers), which whole 48-wide blocks round up to 240, a sixth of the multiply-adds
    /// on dropped positions; with a 32-wide last block, 224. Each output is the same fused chain (bias, then the taps in
    /// order) as in <see cref="Block8x48"/>: the same bits.</summary>
    private static unsafe void Block8xUpTo48(int left, float* src, int* offsets, int taps, float* wt, int ldw, float* bias, float* dst, int ldd)
    {
        if (left <= WideLanes) Block8x16(src, offsets, taps, wt, ldw, bias, dst, ldd);
        else if (left <= 2 * WideLanes) Block8x32(src, offsets, taps, wt, ldw, bias, dst, ldd);
        else Block8x48(src, offsets, taps, wt, ldw, bias, dst, ldd);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe void Block8x32(float* src, int* offsets, int taps, float* wt, int ldw, float* bias, float* dst, int ldd)
    {
        var a00 = Vector512.Create(bias[0]); var a01 = a00;
        var a10 = Vector512.Create(bias[1]); var a11 = a10;
        var a20 = Vector512.Create(bias[2]); var a21 = a20;
        var a30 = Vector512.Create(bias[3]); var a31 = a30;
        var a40 = Vector512.Create(bias[4]); var a41 = a40;
        var a50 = Vector512.Create(bias[5]); var a51 = a50;
        var a60 = Vector512.Create(bias[6]); var a61 = a60;
        var a70 = Vector512.Create(bias[7]); var a71 = a70;
        float* w = wt;
        for (int t = 0; t < taps; t++, w += ldw)
        {
            float* row = src + offsets[t];
            var x0 = Vector512.Load(row); var x1 = Vector512.Load(row + WideLanes);
            var b = Vector512.Create(w[0]); a00 = Vector512.FusedMultiplyAdd(b, x0, a00); a01 = Vector512.FusedMultiplyAdd(b, x1, a01);
            b = Vector512.Create(w[1]); a10 = Vector512.FusedMultiplyAdd(b, x0, a10); a11 = Vector512.FusedMultiplyAdd(b, x1, a11);
            b = Vector512.Create(w[2]); a20 = Vector512.FusedMultiplyAdd(b, x0, a20); a21 = Vector512.FusedMultiplyAdd(b, x1, a21);
            b = Vector512.Create(w[3]); a30 = Vector512.FusedMultiplyAdd(b, x0, a30); a31 = Vector512.FusedMultiplyAdd(b, x1, a31);
            b = Vector512.Create(w[4]); a40 = Vector512.FusedMultiplyAdd(b, x0, a40); a41 = Vector512.FusedMultiplyAdd(b, x1, a41);
            b = Vector512.Create(w[5]); a50 = Vector512.FusedMultiplyAdd(b, x0, a50); a51 = Vector512.FusedMultiplyAdd(b, x1, a51);
            b = Vector512.Create(w[6]); a60 = Vector512.FusedMultiplyAdd(b, x0, a60); a61 = Vector512.FusedMultiplyAdd(b, x1, a61);
            b = Vector512.Create(w[7]); a70 = Vector512.FusedMultiplyAdd(b, x0, a70); a71 = Vector512.FusedMultiplyAdd(b, x1, a71);
        }
        Vector512.Store(a00, dst); Vector512.Store(a01, dst + WideLanes);
        dst += ldd; Vector512.Store(a10, dst); Vector512.Store(a11, dst + WideLanes);
        dst += ldd; Vector512.Store(a20, dst); Vector512.Store(a21, dst + WideLanes);
        dst += ldd; Vector512.Store(a30, dst); Vector512.Store(a31, dst + WideLanes);
        dst += ldd; Vector512.Store(a40, dst); Vector512.Store(a41, dst + WideLanes);
        dst += ldd; Vector512.Store(a50, dst); Vector512.Store(a51, dst + WideLanes);
        dst += ldd; Vector512.Store(a60, dst); Vector512.Store(a61, dst + WideLanes);
        dst += ldd; Vector512.Store(a70, dst); Vector512.Store(a71, dst + WideLanes);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe void Block8x16(float* src, int* offsets, int taps, float* wt, int ldw, float* bias, float* dst, int ldd)
    {
        var a0 = Vector512.Create(bias[0]); var a1 = Vector512.Create(bias[1]); var a2 = Vector512.Create(bias[2]); var a3 = Vector512.Create(bias[3]);
        var a4 = Vector512.Create(bias[4]); var a5 = Vector512.Create(bias[5]); var a6 = Vector512.Create(bias[6]); var a7 = Vector512.Create(bias[7]);
        float* w = wt;
        for (int t = 0; t < taps; t++, w += ldw)
        {
            var x = Vector512.Load(src + offsets[t]);
            a0 = Vector512.FusedMultiplyAdd(Vector512.Create(w[0]), x, a0); a1 = Vector512.FusedMultiplyAdd(Vector512.Create(w[1]), x, a1);
            a2 = Vector512.FusedMultiplyAdd(Vector512.Create(w[2]), x, a2); a3 = Vector512.FusedMultiplyAdd(Vector512.Create(w[3]), x, a3);
            a4 = Vector512.FusedMultiplyAdd(Vector512.Create(w[4]), x, a4); a5 = Vector512.FusedMultiplyAdd(Vector512.Create(w[5]), x, a5);
            a6 = Vector512.FusedMultiplyAdd(Vector512.Create(w[6]), x, a6); a7 = Vector512.FusedMultiplyAdd(Vector512.Create(w[7]), x, a7);
        }
        Vector512.Store(a0, dst); Vector512.Store(a1, dst + ldd); Vector512.Store(a2, dst + 2 * ldd); Vector512.Store(a3, dst + 3 * ldd);
        Vector512.Store(a4, dst + 4 * ldd); Vector512.Store(a5, dst + 5 * ldd); Vector512.Store(a6, dst + 6 * ldd); Vector512.Store(a7, dst + 7 * ldd);
    }
}
