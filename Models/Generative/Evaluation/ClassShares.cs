namespace NeuralPipelines.Models.Generative.Evaluation;

/// <summary>How a classifier spreads a generator's samples over the classes: a model that has collapsed onto a few modes
/// draws few classes, or some far more often than others; one whose images are not recognisable gets low confidence.</summary>
/// <param name="Shares">The fraction of samples predicted as each class (top class), summing to 1.</param>
/// <param name="MeanConfidence">The mean over samples of the top class's probability.</param>
/// <param name="ClassConfidence">Per class, the mean top-class probability of the samples predicted as that class (null
/// for a class never predicted): where a generator's images are judged less surely than real ones.</param>
public sealed record ClassShares(double[] Shares, double MeanConfidence, double?[] ClassConfidence)
{
    /// <summary>How many classes are predicted for at least one sample.</summary>
    public int ClassesPresent => Shares.Count(s => s > 0);

    /// <summary>The most frequent class's share ÷ the least frequent's: 1 for a perfectly even spread, ∞ when a class is missing.</summary>
    public double MostToLeast => Shares.Min() > 0 ? Shares.Max() / Shares.Min() : double.PositiveInfinity;

    public static ClassShares Of(ClassifierReadout readout) => Of(readout.Probabilities, readout.Classes);

    /// <summary>The shares and confidences of <paramref name="probabilities"/> [n×<paramref name="classes"/>]
    /// (<see cref="ClassifierReadout.ProbabilitiesOf"/>).</summary>
    public static ClassShares Of(float[] probabilities, int classes)
    {
        int n = probabilities.Length / classes, k = classes;
        if (n == 0) throw new ArgumentException("Class shares need at least one sample.");
        var counts = new int[k];
        var sums = new double[k];
        double confidence = 0;
        for (int i = 0; i < n; i++)
        {
            var p = probabilities.AsSpan(i * k, k);
            int top = Models.Training.Evaluator.ArgMax(p);
            counts[top]++;
            sums[top] += p[top];
            confidence += p[top];
        }
        return new ClassShares(counts.Select(c => (double)c / n).ToArray(), confidence / n,
            sums.Select((sum, c) => counts[c] > 0 ? sum / counts[c] : (double?)null).ToArray());
    }
}
