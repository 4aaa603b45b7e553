using NeuralPipelines.Data.Datasets;
using NeuralPipelines.Models.Layers;
using NeuralPipelines.Models.Losses;
using NeuralPipelines.Models.Tensors;

namespace NeuralPipelines.Models.Training;

/// <summary>Accuracy, mean cost and confusion matrix of a network over a labelled set (inference mode: no dropout).</summary>
public static class Evaluator
{
    /// <param name="outputs">Called with each batch's output [count × classes] and the index of its first image, for a
    /// caller that reads more from the same pass (np eval's confidence).</param>
    /// <param name="cancellation">Looked at before every batch: a zoo network's pass over a test split takes seconds to minutes.</param>
    public static Evaluation Evaluate(Layer network, Loss loss, LabelledImages data, Normalization? normalization = null, int batchSize = 250,
        Action<Tensor, int>? outputs = null, CancellationToken cancellation = default)
    {
        // Accuracy over no images would print "0.00 % (0/0)" and pass for a result.
        if (data.Count == 0) throw new ArgumentException($"{data.Source}: the set to evaluate is empty.");
        var batches = new BatchAssembler(data, normalization);
        int k = data.Classes;
        var confusion = new int[k][];
        for (int i = 0; i < k; i++) confusion[i] = new int[k];
        double costSum = 0;
        int correct = 0;
        for (int start = 0; start < data.Count; start += batchSize)
        {
            cancellation.ThrowIfCancellationRequested();
            int count = Math.Min(batchSize, data.Count - start);
            batches.FillSequential(start, count);
            var output = network.Forward(batches.Images, training: false);
            if (output.ItemLength != k)
                throw new ArgumentException($"The network outputs {output.ItemLength} values per image but {data.Source} has {k} classes.");
            costSum += loss.Compute(output, batches.Targets, null) * count;
            outputs?.Invoke(output, start);
            for (int i = 0; i < count; i++)
            {
                int predicted = ArgMax(output.Span.Slice(i * k, k)), actual = data.Labels[start + i];
                confusion[actual][predicted]++;
                if (predicted == actual) correct++;
            }
        }
        int n = Math.Max(1, data.Count);
        return new Evaluation(data.Count, (double)correct / n, costSum / n, confusion);
    }

    public static int ArgMax(ReadOnlySpan<float> row)
    {
        int best = 0;
        for (int j = 1; j < row.Length; j++) if (row[j] > row[best]) best = j;
        return best;
    }

    /// <summary>How many rows of <paramref name="output"/> have their maximum where <paramref name="targets"/> has its.</summary>
    public static int CountCorrect(Tensor output, Tensor targets)
    {
        int n = output.Dim(0), k = output.ItemLength, correct = 0;
        for (int i = 0; i < n; i++)
            if (ArgMax(output.Span.Slice(i * k, k)) == ArgMax(targets.Span.Slice(i * k, k))) correct++;
        return correct;
    }
}

/// <summary>The result of <see cref="Evaluator.Evaluate"/>. Confusion[actual][predicted] counts images.</summary>
public sealed record Evaluation(int Count, double Accuracy, double Loss, int[][] Confusion);
