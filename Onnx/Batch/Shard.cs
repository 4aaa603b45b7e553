using System.Globalization;

namespace NeuralPipelines.Onnx.Batch;

/// <summary>Part <see cref="Index"/> of <see cref="Count"/> of an input: the rows whose 0-based index i has
/// i mod Count = Index. n processes given 0/n … (n−1)/n score every row exactly once.</summary>
/// <remarks>Rows are dealt round-robin rather than cut into contiguous ranges because a range needs the row count before
/// the first row is scored, and a CSV's row count is only known by reading it to the end; the modulus needs nothing but
/// the row's index, so it is the same rule for a CSV, an IDX file and an image folder, and the shards come out the same
/// size to within one row (a folder sorted by class does not put one class's large images in one shard). Each shard
/// still reads the whole CSV, but skipping a row costs a line scan, not a parse. Indices are 0-based to match
/// Kubernetes' <c>JOB_COMPLETION_INDEX</c> and <c>sbatch --array=0-(n−1)</c>.</remarks>
public readonly record struct Shard(int Index, int Count)
{
    /// <summary>The whole input (0/1).</summary>
    public static Shard All { get; } = new(0, 1);

    public bool Contains(long row) => row % Count == Index;

    public override string ToString() => $"{Index}/{Count}";

    /// <summary>Parses "i/n" with 0 ≤ i &lt; n.</summary>
    /// <exception cref="ArgumentException">Anything else; the message shows the text and the form.</exception>
    public static Shard Parse(string text)
    {
        var parts = text.Split('/');
        if (parts.Length == 2
            && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out int i)
            && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out int n)
            && n >= 1 && i < n)
            return new Shard(i, n);
        throw new ArgumentException($"--shard '{text}': expected i/n with 0 ≤ i < n (e.g. 0/4 … 3/4; i is 0-based like JOB_COMPLETION_INDEX).");
    }
}
