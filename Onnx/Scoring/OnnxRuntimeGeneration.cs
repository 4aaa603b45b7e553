using System.Reflection;
using NeuralPipelines.Onnx.Metadata;
using NeuralPipelines.Onnx.MlNet;

namespace NeuralPipelines.Onnx.Scoring;

/// <summary>A pooled classifier scored through one shared <see cref="OnnxScorer"/> (safe for any number of threads):
/// the input's feature vector in, ML.NET's Score (class probabilities) and PredictedLabel (key: class index + 1) out.</summary>
internal sealed class OnnxRuntimeGeneration<TIn, TOut> : PoolGeneration<TIn, TOut> where TIn : class, new() where TOut : class, new()
{
    private readonly OnnxScorer _scorer;
    private readonly MemberInfo _features;
    private readonly MemberInfo? _score, _label;

    private OnnxRuntimeGeneration(OnnxScorer scorer, MemberInfo features, MemberInfo? score, MemberInfo? label, FileStamp stamp) : base(stamp)
    {
        _scorer = scorer; _features = features; _score = score; _label = label;
    }

    public override string Backend => "onnx-runtime";

    /// <summary>The ONNX path when the model is a NeuralPipelines classifier and the classes hold nothing else than it
    /// reads and writes; null (with the reason) otherwise.</summary>
    public static OnnxRuntimeGeneration<TIn, TOut>? TryCreate(byte[] onnx, string featureColumn, OnnxScorerOptions options, FileStamp stamp, string source, out string? whyNot)
    {
        var inputs = TypedColumns.Of(typeof(TIn));
        var outputs = TypedColumns.Of(typeof(TOut));
        whyNot = !inputs.TryGetValue(featureColumn, out var features) || TypedColumns.TypeOf(features) != typeof(float[])
                ? $"{typeof(TIn).Name} has no float[] column '{featureColumn}'"
            : outputs.Keys.FirstOrDefault(k => k is not (OnnxModelColumns.Score or OnnxModelColumns.PredictedLabel)) is { } other
                ? $"{typeof(TOut).Name} asks for '{other}', which only the ML.NET pipeline writes"
            : outputs.TryGetValue(OnnxModelColumns.Score, out var s) && TypedColumns.TypeOf(s) != typeof(float[])
                ? $"{typeof(TOut).Name}.Score is {TypedColumns.TypeOf(s).Name}, not float[]"
            : outputs.TryGetValue(OnnxModelColumns.PredictedLabel, out var l) && TypedColumns.TypeOf(l) != typeof(uint)
                ? $"{typeof(TOut).Name}.PredictedLabel is {TypedColumns.TypeOf(l).Name}, not uint (the key)"
            : null;
        if (whyNot is not null) return null;
        var scorer = new OnnxScorer(onnx, options with { Log = options.Log ?? (_ => { }) }, source);
        if (scorer.Card is null || scorer.OutputName != ModelCard.ProbabilitiesName)
        {
            whyNot = "the ONNX model is not a NeuralPipelines classifier";
            scorer.Dispose();
            return null;
        }
        return new OnnxRuntimeGeneration<TIn, TOut>(scorer, features!, outputs.GetValueOrDefault(OnnxModelColumns.Score), outputs.GetValueOrDefault(OnnxModelColumns.PredictedLabel), stamp);
    }

    public override TOut Predict(TIn example) => Predict([example])[0];

    public override TOut[] Predict(IReadOnlyList<TIn> examples)
    {
        int n = examples.Count, width = _scorer.InputLength, classes = _scorer.OutputLength;
        var rows = new float[n * width];
        for (int i = 0; i < n; i++)
        {
            // A float[] member (TryCreate checked its type).
            var x = (float[])TypedColumns.Vector(_features, examples[i], i, width, _features.Name, _scorer.Source);
            x.CopyTo(rows, i * width);
        }
        var scores = _scorer.Score(rows, n);
        var results = new TOut[n];
        for (int i = 0; i < n; i++)
        {
            var row = scores.AsSpan(i * classes, classes);
            var result = new TOut();
            if (_score is not null) TypedColumns.Set(_score, result, row.ToArray());
            if (_label is not null) TypedColumns.Set(_label, result, (uint)System.Numerics.Tensors.TensorPrimitives.IndexOfMax(row) + 1);
            results[i] = result;
        }
        return results;
    }

    /// <summary>The class probabilities of one row, straight from the session.</summary>
    public float[] Scores(float[] row) => _scorer.Score(row, 1);

    protected override void DisposeModel() => _scorer.Dispose();
}
