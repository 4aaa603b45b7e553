using System.Collections.Concurrent;
using Microsoft.ML;
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

    /// <param name="scope">The context the model was loaded with: this generation owns it and disposes it after the model.</param>
    public PredictionEngineGeneration(ScopedMLContext scope, ITransformer model, DataViewSchema inputSchema, FileStamp stamp) : base(stamp)
    {
        _scope = scope;
        _model = model;
        _input = TypedColumns.Sized<TIn>(inputSchema);
        // One engine now, so a model that cannot read TIn fails when the pool opens, not at the first request.
        _engines.Add(NewEngine());
    }

    public override string Backend => "prediction-engine";

    public override TOut Predict(TIn example)
    {
        var engine = _engines.TryTake(out var e) ? e : NewEngine();
        try { return engine.Predict(example); }
        finally { _engines.Add(engine); }
    }

    public override TOut[] Predict(IReadOnlyList<TIn> examples)
    {
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
