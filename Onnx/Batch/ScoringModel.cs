using NeuralPipelines.Models.Checkpoints;
using NeuralPipelines.Onnx.Export;
using NeuralPipelines.Onnx.Metadata;
using NeuralPipelines.Onnx.MlNet;
using NeuralPipelines.Onnx.Scoring;

namespace NeuralPipelines.Onnx.Batch;

/// <summary>Opens what <c>np score --model</c> names as an <see cref="OnnxScorer"/>: an ONNX file, an ML.NET zip with our
/// ONNX model inside, or a classifier checkpoint, told by its first bytes or its .ckpt name (exported to ONNX in memory, as <c>np export</c> would write it).</summary>
public static class ScoringModel
{
    /// <summary>True when <paramref name="path"/> is an ML.NET zip without a NeuralPipelines network inside: a pipeline of
    /// ML.NET's own transformers (np regress/classify --out, whose linear models may carry an ONNX graph of their own
    /// that takes named columns), scored through ML.NET rather than as one input tensor.
    /// A file named <c>.zip</c> that is not a zip at all counts too, so that ML.NET's loader names what is wrong with it.</summary>
    public static bool IsMlNetPipeline(string path) =>
        File.Exists(path) && (MlNetZip.LooksLikeZip(path)
            ? MlNetZip.NeuralPipelinesOnnx(path) is null
            : path.EndsWith(".zip", StringComparison.OrdinalIgnoreCase));

    /// <exception cref="InvalidOperationException"><paramref name="device"/> is CUDA and ONNX Runtime could not load its CUDA provider.</exception>
    /// <exception cref="InvalidDataException">Not a model this opens; names the file.</exception>
    public static OnnxScorer Open(string path, ScoringDevice device, OnnxScorerOptions? options = null)
    {
        options = (options ?? new OnnxScorerOptions()) with
        {
            PreferCuda = device != ScoringDevice.Cpu,
            // The fallback is reported once by the caller (the run's summary says the device and why; --device cuda fails
            // with the reason), not also logged here.
            Log = _ => { },
        };
        var scorer = CheckpointFile.IsMeantAsCheckpoint(path) ? FromCheckpoint(path, options) : OnnxScorer.Load(path, options);
        if (device == ScoringDevice.Cuda && scorer.ExecutionProvider != "CUDA")
        {
            var reason = scorer.FallbackReason;
            scorer.Dispose();
            throw new InvalidOperationException(
                $"--device cuda: ONNX Runtime's CUDA execution provider is not available on this machine ({reason ?? "no reason given"}); use --device auto or cpu.");
        }
        return scorer;
    }

    private static OnnxScorer FromCheckpoint(string path, OnnxScorerOptions options)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"{path}: no such checkpoint file.", path);
        var (model, state) = ClassifierCheckpoint.Load(path);
        var bytes = OnnxExporter.ExportBytes(model.Network, ModelCard.FromModel(model, state));
        return new OnnxScorer(bytes, options, path);
    }
}
