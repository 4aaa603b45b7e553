using System.Runtime.CompilerServices;

namespace NeuralPipelines.Models.Kernels;

/// <summary>The sliding-window arithmetic of one 2-D convolution: input size, kernel, stride, padding and dilation.</summary>
/// <remarks>
/// Output size follows the usual formula (PyTorch, ONNX): out = ⌊(in + 2·pad − dilation·(k − 1) − 1) / stride⌋ + 1.
/// The same geometry describes a transposed convolution read backwards (its output is this geometry's input).
/// </remarks>
public readonly record struct Im2ColGeometry(
    int Channels, int Height, int Width,
    int KernelH, int KernelW,
    int StrideH = 1, int StrideW = 1,
    int PadH = 0, int PadW = 0,
    int DilationH = 1, int DilationW = 1)
{
    public int OutHeight
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => OutSize(Height, KernelH, StrideH, PadH, DilationH);
    }

    public int OutWidth
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => OutSize(Width, KernelW, StrideW, PadW, DilationW);
    }

    /// <summary>Output pixels per image: the width of one image's block of columns.</summary>
    public int OutPixels => OutHeight * OutWidth;

    /// <summary>Rows of the column matrix: one per (channel, kernel row, kernel column).</summary>
    public int Rows => Channels * KernelH * KernelW;

    public int ImageLength => Channels * Height * Width;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int OutSize(int size, int kernel, int stride, int pad, int dilation) =>
        (size + 2 * pad - dilation * (kernel - 1) - 1) / stride + 1;

    /// <summary>Throws when the window never fits (output would be empty) or an argument is out of range.</summary>
    public void Validate(string layer)
    {
        if (KernelH <= 0 || KernelW <= 0 || StrideH <= 0 || StrideW <= 0 || DilationH <= 0 || DilationW <= 0 || PadH < 0 || PadW < 0)
            throw new ArgumentException($"{layer}: kernel {KernelH}×{KernelW}, stride {StrideH}×{StrideW}, dilation {DilationH}×{DilationW} must be positive and padding {PadH}×{PadW} non-negative.");
        int effH = DilationH * (KernelH - 1) + 1, effW = DilationW * (KernelW - 1) + 1;
        if (Height + 2 * PadH < effH || Width + 2 * PadW < effW)
            throw new ArgumentException($"{layer}: input [{Channels}×{Height}×{Width}] is smaller than the {effH}×{effW} window (kernel {KernelH}×{KernelW}, dilation {DilationH}×{DilationW}, padding {PadH}×{PadW}).");
    }
}
