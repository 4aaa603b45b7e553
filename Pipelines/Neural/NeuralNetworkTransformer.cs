using Microsoft.ML;
using Microsoft.ML.Data;
using NeuralPipelines.Models.Training;
using NeuralPipelines.Onnx.Metadata;
using NeuralPipelines.Onnx.Scoring;

namespace NeuralPipelines.Pipelines.Neural;

/// <summary>A trained network as an ML.NET transformer: it scores through ML.NET's own ONNX transformer over the exported
/// model (ML.NET's multiclass columns: <c>Score</c>, a K-vector of class probabilities, and
/// <c>PredictedLabel</c>, a key whose values are the class labels), and keeps the trained model and the ONNX bytes for other uses.</summary>
/// <remarks>
/// Saving writes the inner chain of ML.NET transformers, with the ONNX bytes embedded, so <c>mlContext.Model.Save</c>
/// works as for any ML.NET model and <c>mlContext.Model.Load</c> gives back that chain, which scores identically in any
/// process (it needs only ML.NET and ONNX Runtime). <see cref="CreateScorer"/> is the fast path over the same bytes.
/// </remarks>
public sealed class NeuralNetworkTransformer : ITransformer, IDisposable
{
    // Set once by Dispose. ML.NET would run the released session and fail with a NullReferenceException from inside ONNX
    // Runtime, so scoring after it is refused by name; the schema and the saved bytes need no session.
    private int _disposed;

    // What the scorer was built with and must outlive it (the catalog trainer's scoped context), disposed after it.
    private readonly IDisposable? _owned;

    internal NeuralNetworkTransformer(ITransformer scorer, ClassifierModel model, ModelCard card, byte[] onnx, TrainingResult? training,
        IDisposable? owned = null)
    {
        _owned = owned;
        Scorer = scorer;
        Model = model;
        Card = card;
        OnnxModel = onnx;
        Training = training;
    }

    /// <summary>The ML.NET transformer chain that scores and is saved.</summary>
    public ITransformer Scorer { get; }

    /// <summary>The trained network with its input shape, labels and normalisation (save it with <c>ClassifierCheckpoint.Save</c>).</summary>
    public ClassifierModel Model { get; }

    public ModelCard Card { get; }

    /// <summary>The exported ONNX model (write it to a file to use it outside .NET).</summary>
    public byte[] OnnxModel { get; }

    /// <summary>The per-epoch history of the run that produced this model.</summary>
    public TrainingResult? Training { get; }

    /// <summary>A batched ONNX Runtime scorer over the same model: many rows per call, CUDA when present.</summary>
    public OnnxScorer CreateScorer(OnnxScorerOptions? options = null) => new(OnnxModel, options, $"{Card.Architecture} ONNX model");

    public bool IsRowToRowMapper => Scorer.IsRowToRowMapper;

    public DataViewSchema GetOutputSchema(DataViewSchema inputSchema) => Scorer.GetOutputSchema(inputSchema);

    public IRowToRowMapper GetRowToRowMapper(DataViewSchema inputSchema)
    {
        ThrowIfDisposed();
        return Scorer.GetRowToRowMapper(inputSchema);
    }

    public IDataView Transform(IDataView input)
    {
        ThrowIfDisposed();
        return Scorer.Transform(input);
    }

    void ICanSaveModel.Save(ModelSaveContext ctx) => ((ICanSaveModel)Scorer).Save(ctx);

    /// <summary>Frees the ONNX Runtime session of the scoring transformer (a chain holding this disposes it with itself);
    /// Transform and new PredictionEngines afterwards throw <see cref="ObjectDisposedException"/> (an engine made before holds
    /// ML.NET's mapper over the session and must be dropped first). Calling it again does nothing.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        (Scorer as IDisposable)?.Dispose();
        _owned?.Dispose();
    }

    private void ThrowIfDisposed() =>
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
}
