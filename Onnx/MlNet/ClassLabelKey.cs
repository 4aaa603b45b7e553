using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Transforms;

namespace NeuralPipelines.Onnx.MlNet;

/// <summary>Turns the ONNX model's predicted class (a one-slot vector of Int64, 0-based) into ML.NET's scalar, key-typed
/// <c>PredictedLabel</c> whose key values are the class labels, out of ML.NET's own saveable transformers.</summary>
/// <remarks>
/// ML.NET 5's ONNX transformer gives every output as a vector (a rank-0 ONNX output is typed as a scalar but its getter
/// yields a vector, so reading it fails), and none of ML.NET's value-preserving transforms turns a one-slot vector into a
/// scalar. Hashing with <c>combine</c> does: it hashes the whole vector into one scalar key. Each class index has its
/// own hash (found here by hashing 0..K−1, with a seed that gives K distinct values), so MapValue takes the hash to the
/// label text and MapValueToKey, fed the labels in class order, makes key k+1 stand for class k with the label as its value.
/// </remarks>
public static class ClassLabelKey
{
    private const int HashBits = 30;

    /// <summary>Appends the mapping from <paramref name="indexColumn"/> to the key column <paramref name="outputColumn"/>;
    /// the intermediate columns are named <paramref name="scratchPrefix"/>hash and …text (drop them afterwards).</summary>
    public static IEstimator<ITransformer> Append(MLContext ml, IEstimator<ITransformer> chain, string indexColumn, string outputColumn,
        IReadOnlyList<string> labels, string scratchPrefix)
    {
        Check(labels);
        string hash = scratchPrefix + "hash", text = scratchPrefix + "text";
        var (seed, hashes) = DistinctHashes(ml, labels.Count);
        var lookup = hashes.Select((h, k) => new KeyValuePair<uint, string>(h, labels[k])).ToArray();
        var keyData = ml.Data.LoadFromEnumerable(labels.Select(l => new LabelRow { Label = l }).ToArray());
        return chain
            .Append(ml.Transforms.Conversion.Hash([new HashingEstimator.ColumnOptions(hash, indexColumn, HashBits, seed, useOrderedHashing: false, maximumNumberOfInverts: 0, combine: true)]))
            .Append(ml.Transforms.Conversion.MapValue(text, lookup, hash))
            .Append(ml.Transforms.Conversion.MapValueToKey(outputColumn, text, keyData: keyData));
    }

    /// <summary>The names of the scratch columns <see cref="Append"/> leaves behind.</summary>
    public static string[] ScratchColumns(string scratchPrefix) => [scratchPrefix + "hash", scratchPrefix + "text"];

    private static void Check(IReadOnlyList<string> labels)
    {
        if (labels.Count == 0) throw new ArgumentException("A classifier needs at least one class label.");
        var repeated = labels.GroupBy(l => l, StringComparer.Ordinal).Where(g => g.Count() > 1).Select(g => $"'{g.Key}'").ToArray();
        if (repeated.Length > 0)
            throw new ArgumentException($"The class labels must be distinct to serve as key values; {string.Join(", ", repeated)} appear more than once.");
    }

    /// <summary>The hash ML.NET gives each class index 0..K−1 as a one-slot Int64 vector, under the first seed for which
    /// all K differ.</summary>
    private static (uint Seed, uint[] Hashes) DistinctHashes(MLContext ml, int classes)
    {
        var rows = ml.Data.LoadFromEnumerable(Enumerable.Range(0, classes).Select(k => new IndexRow { Index = [k] }).ToArray());
        for (uint seed = 314489979; ; seed++)
        {
            var hasher = ml.Transforms.Conversion.Hash([new HashingEstimator.ColumnOptions("Hash", nameof(IndexRow.Index), HashBits, seed, false, 0, combine: true)]).Fit(rows);
            var hashes = hasher.Transform(rows).GetColumn<uint>("Hash").ToArray();
            if (hashes.Distinct().Count() == classes && !hashes.Contains(0u)) return (seed, hashes);
        }
    }

    private sealed class IndexRow
    {
        [VectorType(1)] public long[] Index { get; set; } = [];
    }

    private sealed class LabelRow
    {
        public string Label { get; set; } = "";
    }
}
