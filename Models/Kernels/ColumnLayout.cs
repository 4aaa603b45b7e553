namespace NeuralPipelines.Models.Kernels;

/// <summary>The column routes' copies between images [N×O×P] (NCHW, P pixels a plane) and the product's matrix
/// [O × N·P] (one row per channel, the batch's pixels side by side).</summary>
internal static class ColumnLayout
{
    /// <summary>images[n, o, :] = matrix[o, n·P .. n·P + P) + bias[o] (no bias when empty).</summary>
    public static void ToImages(ReadOnlySpan<float> matrix, int batch, int channels, int pixels, ReadOnlySpan<float> bias, Span<float> images)
    {
        int cols = batch * pixels;
        for (int i = 0; i < batch; i++)
            for (int o = 0; o < channels; o++)
            {
                var src = matrix.Slice(o * cols + i * pixels, pixels);
                var dst = images.Slice((i * channels + o) * pixels, pixels);
                if (bias.IsEmpty) src.CopyTo(dst);
                else TensorPrimitives.Add(src, bias[o], dst);
            }
    }

    /// <summary>matrix[o, n·P .. n·P + P) = images[n, o, :].</summary>
    public static void FromImages(ReadOnlySpan<float> images, int batch, int channels, int pixels, Span<float> matrix)
    {
        int cols = batch * pixels;
        for (int i = 0; i < batch; i++)
            for (int o = 0; o < channels; o++)
                images.Slice((i * channels + o) * pixels, pixels).CopyTo(matrix.Slice(o * cols + i * pixels, pixels));
    }
}
