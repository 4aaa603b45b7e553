namespace NeuralPipelines.Models.Kernels;

/// <summary>Grow-only scratch arrays, kept by the kernels per thread so that a steady-state pass allocates none.</summary>
internal static class Scratch
{
    /// <summary>The buffer, replaced by a new one when it is missing or shorter than <paramref name="length"/>.</summary>
    public static T[] Ensure<T>(ref T[]? buffer, int length)
    {
        if (buffer is null || buffer.Length < length) buffer = new T[length];
        return buffer;
    }
}
