namespace NeuralPipelines.Models.Kernels;

/// <summary>The column routes' copies between images [N×O×P] (NCHW, P pixels a plane) and the product's matrix
/// [O × N·P] (one row per channel, the batch's pixels side by side).</summary>
/// <remarks>Pure copies (and one add of the bias), so images are shared between threads by <see cref="KernelLoop"/>'s
/// policy: on one thread these copies were a serial stretch between two parallel products (DCGAN's D runs its 64→128
/// layer's 0.4 M-float output through here three times a step) while the second core waited. Every element is written
/// the same way whichever thread takes its image, so the bits never change.</remarks>
internal static unsafe class ColumnLayout
{
    /// <summary>images[n, o, :] = matrix[o, n·P .. n·P + P) + bias[o] (no bias when empty).</summary>
    public static void ToImages(ReadOnlySpan<float> matrix, int batch, int channels, int pixels, ReadOnlySpan<float> bias, Span<float> images)
    {
        fixed (float* m = matrix) fixed (float* b = bias) fixed (float* y = images)
            KernelLoop.For(batch, (long)batch * channels * pixels, new Job(m, b, y, batch, channels, pixels, bias.IsEmpty), static (j, i) => j.ToImage(i));
    }

    /// <summary>matrix[o, n·P .. n·P + P) = images[n, o, :].</summary>
    /// <remarks>The GEMMs that read δ pack it from NCHW themselves (<see cref="Convolution.PacksDeltaFromImages"/>); this
    /// copy remains for the small products (<see cref="Im2ColProducts"/>) and as their plain twin.</remarks>
    public static void FromImages(ReadOnlySpan<float> images, int batch, int channels, int pixels, Span<float> matrix)
    {
        fixed (float* m = matrix) fixed (float* y = images)
            KernelLoop.For(batch, (long)batch * channels * pixels, new Job(m, null, y, batch, channels, pixels, true), static (j, i) => j.FromImage(i));
    }

    private readonly struct Job(float* matrix, float* bias, float* images, int batch, int channels, int pixels, bool noBias)
    {
        private Span<float> Row(int i, int o) => new(matrix + (long)o * batch * pixels + (long)i * pixels, pixels);
        private Span<float> Plane(int i, int o) => new(images + ((long)i * channels + o) * pixels, pixels);

        public void ToImage(int i)
        {
            for (int o = 0; o < channels; o++)
                if (noBias) Row(i, o).CopyTo(Plane(i, o));
                else TensorPrimitives.Add(Row(i, o), bias[o], Plane(i, o));
        }

        public void FromImage(int i)
        {
            for (int o = 0; o < channels; o++) Plane(i, o).CopyTo(Row(i, o));
        }
    }
}
