using NeuralPipelines.Models.Layers;
using NeuralPipelines.Models.Tensors;
using NeuralPipelines.Onnx.Metadata;
using NeuralPipelines.Onnx.Scoring;

namespace NeuralPipelines.Onnx.Export;

/// <summary>How far ONNX Runtime's answer is from the trainer's forward pass on the same random batch.</summary>
/// <param name="MaxError">max over outputs of |ours − ORT| / max(1, |ours|): absolute for small outputs, relative for large ones.</param>
/// <param name="MaxAbsoluteError">max |ours − ORT|.</param>
public sealed record ParityReport(int Batch, double MaxError, double MaxAbsoluteError)
{
    public const double Tolerance = 1e-4;

    public bool Passed => MaxError <= Tolerance;
}

/// <summary>Runs a network's own forward pass and ONNX Runtime (CPU) on one random batch and compares the scores.</summary>
public static class ExportParity
{
    /// <param name="batch">More than one row, so that the dynamic batch axis is exercised.</param>
    public static ParityReport Check(Layer network, ModelCard card, byte[] onnx, int batch = 3, int seed = 1)
    {
        var rng = new Random(seed);
        var x = new float[batch * card.InputLength];
        for (int i = 0; i < x.Length; i++) x[i] = (float)rng.NextDouble();
        return Check(network, card, onnx, x);
    }

    /// <summary>The same comparison on given rows (before normalisation), e.g. inputs of both signs, which the pixel-like
    /// draw above never makes.</summary>
    public static ParityReport Check(Layer network, ModelCard card, byte[] onnx, float[] x)
    {
        if (x.Length == 0 || x.Length % card.InputLength != 0)
            throw new ArgumentException($"{x.Length} input values are not whole rows of {card.InputLength} ({Tensor.ShapeText(card.InputShape)}).");
        int batch = x.Length / card.InputLength;
        using var scorer = new OnnxScorer(onnx, new OnnxScorerOptions
        {
            PreferCuda = false, IntraOpNumThreads = 1, BatchSize = batch, OutputName = ModelCard.ScoresName,
        });
        var theirs = scorer.Score(x, batch);

        var normalized = (float[])x.Clone();
        if (card.Normalization is { } norm)
            for (int i = 0; i < batch; i++) norm.Apply(normalized.AsSpan(i * card.InputLength, card.InputLength), card.InputShape[0]);
        var ours = network.Forward(new Tensor(normalized, [batch, .. card.InputShape]), training: false).Span;
        if (ours.Length != theirs.Length)
            throw new InvalidOperationException($"The network gives {ours.Length} values for {batch} rows but the ONNX model gives {theirs.Length}.");

        double maxError = 0, maxAbs = 0;
        for (int i = 0; i < ours.Length; i++)
        {
            double d = Math.Abs((double)ours[i] - theirs[i]);
            if (double.IsNaN(d)) d = double.PositiveInfinity;
            maxAbs = Math.Max(maxAbs, d);
            maxError = Math.Max(maxError, d / Math.Max(1.0, Math.Abs(ours[i])));
        }
        return new ParityReport(batch, maxError, maxAbs);
    }
}
