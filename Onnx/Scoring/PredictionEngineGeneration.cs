using System.Collections.Concurrent;
using System.Reflection;
using Microsoft.ML;
using Microsoft.ML.Data;
using NeuralPipelines.Onnx.MlNet;

namespace NeuralPipelines.Onnx.Scoring;

/// <summary>A pooled ML.NET model scored through PredictionEngines: a PredictionEngine keeps per-call buffers and must
/// never be used by two threads at once (sharing one aborted the process in the issue that asked for this pool), so each
/// caller takes an engine of its own from a bag and puts it back; the bag grows to the number of concurrent callers.</summary>
internal sealed class PredictionEngineGeneration<TIn, TOut> : PoolGeneration<TIn, TOut> where TIn : class, new() where TOut : class, new()
{
    private readonly ScopedMLContext _scope;
    private readonly ITransformer _model;
    private readonly Microsoft.ML.Data.SchemaDefinition _input;
    private readonly ConcurrentBag<PredictionEngine<TIn, TOut>> _engines = [];
    private readonly string _source;
    // The input's vector columns of a known size: an example's vector of another length (or none) is refused by name
    // before the engine sees it (TypedColumns.Vector).
    private readonly (MemberInfo Member, string Column, int Size)[] _vectors;

    /// <param name="scope">The context the model was loaded with: this generation owns it and disposes it after the model.</param>
    public PredictionEngineGeneration(ScopedMLContext scope, ITransformer model, DataViewSchema inputSchema, FileStamp stamp, string source) : base(stamp)
    {
        _scope = scope;
        _model = model;
        _source = source;
        _input = TypedColumns.Sized<TIn>(inputSchema);
        var members = TypedColumns.Of(typeof(TIn));
        _vectors = _input
            .Where(c => c.ColumnType is VectorDataViewType { Size: > 0 } && members.TryGetValue(c.ColumnName, out var m) && TypedColumns.TypeOf(m).IsArray)
            .Select(c => (members[c.ColumnName], c.ColumnName, ((VectorDataViewType)c.ColumnType).Size))
            .ToArray();
        RefuseUnwrittenOutputs();
        // One engine now, so a model that cannot read TIn fails when the pool opens, not at the first request.
        _engines.Add(NewEngine());
    }

    /// <summary>A PredictionEngine leaves a member of <typeparamref name="TOut"/> that the model writes no column for at its
    /// default, without a word: a network zip of the first np (its class in an Int64 PredictedClass) read into today's
    /// uint PredictedLabel answered 0, "no class", for every row. Such a member is refused when the pool opens.</summary>
    private void RefuseUnwrittenOutputs()
    {
        var output = _model.GetOutputSchema(_scope.Context.Data.LoadFromEnumerable(Array.Empty<TIn>(), _input).Schema);
        var missing = TypedColumns.Of(typeof(TOut)).Keys.Where(name => output.GetColumnOrNull(name) is null).ToArray();
        if (missing.Length == 0) return;
        string written = string.Join(", ", output.Where(c => !c.IsHidden).Select(c => c.Name));
        string older = missing.Contains(OnnxModelColumns.PredictedLabel) && output.GetColumnOrNull("PredictedClass") is not null
            ? "; a network zip from before PredictedLabel existed holds its class in PredictedClass (long[]): read that, or export the checkpoint again"
            : "";
        throw new InvalidOperationException(
            $"it writes no column {string.Join(", ", missing)} for {typeof(TOut).Name} to read, which would stay at its default; its columns: {written}{older}");
    }

    public override string Backend => "prediction-engine";

    private void CheckVectors(TIn example, int index)
    {
        foreach (var (member, column, size) in _vectors) TypedColumns.Vector(member, example, index, size, column, _source);
    }

    public override TOut Predict(TIn example)
    {
        CheckVectors(example, 0);
        var engine = _engines.TryTake(out var e) ? e : NewEngine();
        try { return engine.Predict(example); }
        finally { _engines.Add(engine); }
    }

    public override TOut[] Predict(IReadOnlyList<TIn> examples)
    {
        for (int i = 0; i < examples.Count; i++) CheckVectors(examples[i], i);
        var engine = _engines.TryTake(out var e) ? e : NewEngine();
        try { return examples.Select(engine.Predict).ToArray(); }
        finally { _engines.Add(engine); }
    }

    private PredictionEngine<TIn, TOut> NewEngine() => _scope.Context.Model.CreatePredictionEngine<TIn, TOut>(_model, inputSchemaDefinition: _input);

    protected override void DisposeModel()
    {
        while (_engines.TryTake(out var engine)) engine.Dispose();
        (_model as IDisposable)?.Dispose();
        _scope.Dispose();
    }
}
