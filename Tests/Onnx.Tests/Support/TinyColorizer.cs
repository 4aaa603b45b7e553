using NeuralPipelines.Data;
using NeuralPipelines.Data.Images;
using NeuralPipelines.Models.Generative.Pix2Pix;
using NeuralPipelines.Onnx.Export;
using NeuralPipelines.Onnx.Metadata;

namespace NeuralPipelines.Onnx.Tests.Support;

/// <summary>One colorizer trained for a few steps on shipped photos (32×32, ngf 4, L1 only: about a second), exported to
/// ONNX, shared by the colorizer tests so that each does not train its own.</summary>
public static class TinyColorizer
{
    public const int Size = 32;

    private static readonly Lazy<(ColorizerModel Model, byte[] Onnx)> Trained = new(() =>
    {
        var photos = ImageFolder.Load(Path.Combine(ShippedData.Photos, "train"), Size, limit: 24);
        var state = new ColorizerTrainingState { Options = new ColorizerOptions(ColorizerLoss.L1, Size: Size, Ngf: 4, Epochs: 2, BatchSize: 8, LearningRate: 2e-3f, Pad: 2, Seed: 5) };
        var model = ColorizerModel.Create(state.Options);
        new ColorizerTrainer(model, state).Fit(photos);
        var onnx = OnnxExporter.ExportBytes(model.Generator, ModelCard.FromColorizer(model, "l1"));
        return (model, onnx);
    });

    public static ColorizerModel Model => Trained.Value.Model;

    /// <summary>The generator's ONNX export, as <c>np export</c> writes it (scaled L in, scaled ab out).</summary>
    public static byte[] Onnx => Trained.Value.Onnx;

    /// <summary>Held-out shipped photos (64×64 PNG files).</summary>
    public static IReadOnlyList<string> TestPhotos(int count) => ImageFolder.Files(Path.Combine(ShippedData.Photos, "test")).Take(count).ToList();
}
