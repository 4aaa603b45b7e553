using Microsoft.ML;
using Microsoft.ML.Data;
using NeuralPipelines.Onnx.MlNet;
using Microsoft.ML.Transforms.Onnx;

namespace NeuralPipelines.Pipelines.Linear;

/// <summary>A fitted linear regression from <see cref="LeastSquaresTrainer"/> or <see cref="GradientDescentTrainer"/>:
/// scores through ML.NET's own <see cref="OnnxTransformer"/> and exposes the double-precision <see cref="Model"/>.</summary>
/// <remarks>Saving writes the inner OnnxTransformer (with the ONNX bytes embedded), so <c>mlContext.Model.Save</c>
/// works like for any ML.NET transformer; <c>mlContext.Model.Load</c> gives back that OnnxTransformer, which scores
/// identically (the same ONNX graph runs in both). The double coefficients are in the ONNX metadata.</remarks>
public sealed class LinearRegressionTransformer : ITransformer, IDisposable
{
    // Set once by Dispose. ML.NET would run the released session and fail with a NullReferenceException from inside ONNX
    // Runtime, so scoring after it is refused by name; the schema and the saved bytes need no session.
    private int _disposed;
    // The catalog trainers' scoped context, which ML.NET's copy of the model lives in: disposed after the scorer.
    private IDisposable? _owned;

    internal LinearRegressionTransformer(OnnxTransformer scorer, LinearModel model, GradientDescentResult? gradientDescent)
    {
        Scorer = scorer;
        Model = model;
        GradientDescent = gradientDescent;
    }

    /// <summary>The model on the raw feature columns, in double precision.</summary>
    public LinearModel Model { get; }

    /// <summary>The per-epoch losses when the model came from gradient descent; null for the closed form.</summary>
    public GradientDescentResult? GradientDescent { get; }

    /// <summary>The ML.NET transformer that does the scoring and the saving.</summary>
    public OnnxTransformer Scorer { get; }

    public bool IsRowToRowMapper => ((ITransformer)Scorer).IsRowToRowMapper;

    public DataViewSchema GetOutputSchema(DataViewSchema inputSchema) => Scorer.GetOutputSchema(inputSchema);

    public IRowToRowMapper GetRowToRowMapper(DataViewSchema inputSchema)
    {
        ThrowIfDisposed();
        return ((ITransformer)Scorer).GetRowToRowMapper(inputSchema);
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
        Scorer.Dispose();
        _owned?.Dispose();
    }

    private void ThrowIfDisposed() =>
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);

    /// <summary><see cref="Create"/> with <paramref name="ml"/>, or, when it is null (the catalog's trainers, whose context
    /// ML.NET keeps internal), with a <see cref="ScopedMLContext"/> the transformer owns, so that disposing it removes
    /// ML.NET's copy of the model from the temp folder.</summary>
    internal static LinearRegressionTransformer Build(MLContext? ml, LinearModel model, IDataView data,
        string featureColumnName, string scoreColumnName, GradientDescentResult? gradientDescent = null) =>
        ScopedMLContext.UseOrOwn(ml, seed: 0, (context, scope) =>
        {
            var transformer = Create(context, model, data, featureColumnName, scoreColumnName, gradientDescent);
            transformer._owned = scope;
            return transformer;
        });

    /// <summary>Wraps a fitted model as an ML.NET transformer reading <paramref name="featureColumnName"/> and writing <paramref name="scoreColumnName"/>.</summary>
    public static LinearRegressionTransformer Create(MLContext ml, LinearModel model, IDataView data,
        string featureColumnName = "Features", string scoreColumnName = "Score", GradientDescentResult? gradientDescent = null)
    {
        Onnx.Scoring.OnnxRuntimeNative.EnsureLoaded();
        var bytes = LinearModelOnnx.Build(model, featureColumnName, scoreColumnName);
        var scorer = MlNetOnnxLoads.Run(() => ml.Transforms.ApplyOnnxModel([scoreColumnName], [featureColumnName], new MemoryStream(bytes, writable: false))).Fit(data);
        return new LinearRegressionTransformer(scorer, model, gradientDescent);
    }
}
