using Microsoft.ML;
using NeuralPipelines.Data.IO;
using NeuralPipelines.Onnx.Metadata;

namespace NeuralPipelines.Onnx.MlNet;

/// <summary>Writes an exported model as an ML.NET model zip that a line-of-business app opens with
/// <c>mlContext.Model.Load</c> and scores with a PredictionEngine, without referencing NeuralPipelines.</summary>
public static class OnnxModelZip
{
    /// <summary>Saves the pipeline of <see cref="OnnxModelEstimators.Create"/> reading a <paramref name="featureColumn"/> of
    /// <see cref="ModelCard.InputLength"/> floats; the file is written atomically.</summary>
    public static void Save(byte[] onnx, ModelCard card, string featureColumn, string path) =>
        AtomicFile.Write(path, stream => Save(onnx, card, featureColumn, stream));

    /// <summary>Writes the zip to <paramref name="stream"/> (for several outputs committed together, see <see cref="OutputTransaction"/>).</summary>
    public static void Save(byte[] onnx, ModelCard card, string featureColumn, Stream stream)
    {
        using var scope = new ScopedMLContext(seed: 0);
        var ml = scope.Context;
        var empty = EmptyFeatureView.Create(ml, featureColumn, card.InputLength);
        var model = OnnxModelEstimators.Create(ml, onnx, featureColumn).Fit(empty);
        using var owned = model as IDisposable;
        ml.Model.Save(model, empty.Schema, stream);
    }
}
