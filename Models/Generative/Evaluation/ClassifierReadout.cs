using NeuralPipelines.Data.Datasets;
using NeuralPipelines.Models.Layers;
using NeuralPipelines.Models.Losses;
using NeuralPipelines.Models.Training;

namespace NeuralPipelines.Models.Generative.Evaluation;

/// <summary>What a trained classifier sees in a set of images: its class probabilities and its penultimate-layer features
/// (LeNet-5's 84 units), the two things generated images are judged by.</summary>
/// <param name="Probabilities">[n×classes], each row summing to 1.</param>
/// <param name="Features">[n×features]: the input of the network's last layer.</param>
public sealed record ClassifierReadout(int Count, int Classes, float[] Probabilities, int FeatureCount, float[] Features)
{
    /// <summary>Runs <paramref name="classifier"/> in inference mode over <paramref name="pixels"/> (images of its input
    /// shape, values in [0, 1], its normalisation applied here as in training).</summary>
    /// <exception cref="ArgumentException">The network is not a sequence of layers ending in one that maps features to classes.</exception>
    public static ClassifierReadout Of(ClassifierModel classifier, ReadOnlySpan<float> pixels, int batchSize = 500)
    {
        if (classifier.Network is not Sequential { Children.Count: >= 2 } network)
            throw new ArgumentException($"The {classifier.Architecture} network is not a sequence of layers, so it has no penultimate layer to read features from.");
        int[] shape = classifier.InputShape;
        int per = shape.Aggregate(1, (a, b) => a * b), k = classifier.ClassLabels.Length;
        if (pixels.Length % per != 0) throw new ArgumentException($"{pixels.Length} pixels are not whole images of {per} values.");
        int n = pixels.Length / per;
        // The body is everything but the last layer; a trailing dropout is the identity in inference mode either way.
        var body = new Sequential(network.Children.Take(network.Children.Count - 1));
        var head = network.Children[^1];
        int f = body.OutputShape(shape).Aggregate(1, (a, b) => a * b);
        var images = new LabelledImages("samples", pixels.ToArray(), new int[n], shape[0], shape[1], shape[2], k);
        var batches = new BatchAssembler(images, classifier.Normalization);
        var probabilities = new float[n * k];
        var features = new float[n * f];
        for (int start = 0; start < n; start += batchSize)
        {
            int count = Math.Min(batchSize, n - start);
            batches.FillSequential(start, count);
            var hidden = body.Forward(batches.Images, training: false);
            hidden.Span[..(count * f)].CopyTo(features.AsSpan(start * f, count * f));
            var output = head.Forward(hidden, training: false);
            ProbabilitiesOf(classifier.OutputActivation, output.Span, count, k, probabilities.AsSpan(start * k, count * k));
        }
        return new ClassifierReadout(n, k, probabilities, f, features);
    }

    /// <summary>Rows [<paramref name="count"/> × classes] of a classifier's <paramref name="output"/> read as probabilities,
    /// as <see cref="Of"/> reads them, into <paramref name="probabilities"/> (a caller that already ran the network: np
    /// eval's pass over the test split).</summary>
    public static void ProbabilitiesOf(OutputActivation activation, ReadOnlySpan<float> output, int count, int classes, Span<float> probabilities)
    {
        for (int i = 0; i < count; i++)
            Scores(activation, output.Slice(i * classes, classes), probabilities.Slice(i * classes, classes));
    }

    /// <summary>The output read as probabilities: softmax of logits; for sigmoid or plain scores, normalised to sum to 1.</summary>
    private static void Scores(OutputActivation activation, ReadOnlySpan<float> output, Span<float> p)
    {
        switch (activation)
        {
            case OutputActivation.Softmax:
                // Shifted by the largest logit first: TensorPrimitives.SoftMax divides e^z by Σe^z as they are, and a logit
                // above ~88 makes that ∞/∞ = NaN, a confidence of "NaN" (np eval --json) for a network that is merely sure.
                System.Numerics.Tensors.TensorPrimitives.Subtract(output, System.Numerics.Tensors.TensorPrimitives.Max(output), p);
                System.Numerics.Tensors.TensorPrimitives.SoftMax(p, p);
                return;
            case OutputActivation.Sigmoid:
                System.Numerics.Tensors.TensorPrimitives.Sigmoid(output, p);
                break;
            default:
                for (int j = 0; j < output.Length; j++) p[j] = Math.Max(output[j], 0f);
                break;
        }
        float sum = System.Numerics.Tensors.TensorPrimitives.Sum(p);
        if (sum > 0) System.Numerics.Tensors.TensorPrimitives.Multiply(p, 1f / sum, p);
        else p.Fill(1f / p.Length);
    }
}
