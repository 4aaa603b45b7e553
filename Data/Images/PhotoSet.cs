namespace NeuralPipelines.Data.Images;

/// <summary>Photos of one square size, as one planar block: [count × 3 × size × size], RGB in [0, 1].</summary>
/// <param name="Source">The folder they were read from (for messages).</param>
/// <param name="Files">Each photo's file, in the order of <paramref name="Pixels"/>.</param>
public sealed record PhotoSet(string Source, float[] Pixels, int Size, IReadOnlyList<string> Files)
{
    public int Count => Files.Count;

    /// <summary>Values per photo: 3 × size × size.</summary>
    public int ImageLength => 3 * Size * Size;

    public Span<float> Image(int index) => Pixels.AsSpan(index * ImageLength, ImageLength);

    /// <summary>The first <paramref name="count"/> photos (all of them when there are fewer).</summary>
    public PhotoSet Take(int count)
    {
        int n = Math.Min(count, Count);
        return this with { Pixels = Pixels.AsSpan(0, n * ImageLength).ToArray(), Files = Files.Take(n).ToArray() };
    }
}
