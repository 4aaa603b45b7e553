using System.Globalization;
using NeuralPipelines.Data.IO;

namespace NeuralPipelines.Onnx.Validation;

/// <summary>How a saved model did on a labelled dataset, with assertions that fail with one readable message.</summary>
public sealed record ModelEvaluation
{
    public required string Model { get; init; }
    public required string Dataset { get; init; }
    public required int Count { get; init; }
    public required int Correct { get; init; }
    public required IReadOnlyList<string> ClassLabels { get; init; }

    /// <summary>Confusion[actual][predicted].</summary>
    public required int[][] Confusion { get; init; }

    /// <summary>Mean −ln p(true class), when the model gives probabilities.</summary>
    public double? LogLoss { get; init; }

    public double Seconds { get; init; }

    /// <summary>The test accuracy recorded in the model's metadata when it was trained, if any.</summary>
    public double? RecordedAccuracy { get; init; }

    /// <summary>Refuses a minimum that is not a fraction in [0, 1]: 95 (meant as a percentage) would be a gate of 9500 %
    /// that nothing passes, −1 one that everything passes, NaN one that nothing passes; <paramref name="name"/> says where
    /// it was given (np validate checks its option with this before any work).</summary>
    public static void RequireFraction(double minimum, string name = "The minimum")
    {
        if (!(minimum is >= 0 and <= 1))
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"{name} {minimum} is not a fraction from 0 to 1; write 0.95 for 95%."));
    }

    public double Accuracy => Count == 0 ? double.NaN : Correct / (double)Count;

    /// <summary>Recall of each class: the share of its examples predicted as it.</summary>
    public IReadOnlyList<double> Recall =>
        Confusion.Select((row, c) => row.Sum() == 0 ? double.NaN : row[c] / (double)row.Sum()).ToArray();

    public double RowsPerSecond => Count / Math.Max(Seconds, 1e-9);

    /// <summary>Throws <see cref="ModelValidationException"/> unless accuracy ≥ <paramref name="minimum"/>.</summary>
    public ModelEvaluation AssertAccuracyAtLeast(double minimum)
    {
        RequireFraction(minimum);
        if (!(Accuracy >= minimum))
            throw new ModelValidationException(
                $"{Model}: accuracy {Pct(Accuracy)} ({Correct}/{Count}) on {Dataset} is below the required {Pct(minimum)}; worst class: {WorstClass()}.");
        return this;
    }

    /// <summary>Throws unless every class's recall is ≥ <paramref name="minimum"/> (catches a model that gave up on one class).</summary>
    public ModelEvaluation AssertEveryClassRecallAtLeast(double minimum)
    {
        RequireFraction(minimum);
        var recall = Recall;
        var failing = Enumerable.Range(0, recall.Count).Where(c => !double.IsNaN(recall[c]) && recall[c] < minimum).ToArray();
        if (failing.Length > 0)
            throw new ModelValidationException(
                $"{Model}: on {Dataset}, {failing.Length} class(es) have recall below {Pct(minimum)}: " +
                string.Join(", ", failing.Select(c => $"{Label(c)} {Pct(recall[c])}")) + ".");
        return this;
    }

    /// <summary>Throws unless accuracy is within <paramref name="tolerance"/> of the accuracy recorded at training time
    /// (a saved model that no longer does what it did when it was trained: wrong preprocessing, corrupted weights).</summary>
    public ModelEvaluation AssertMatchesRecordedAccuracy(double tolerance)
    {
        // A negative or NaN tolerance fails every model, and the failure would read as the model's fault.
        RequireFraction(tolerance, "The tolerance");
        if (RecordedAccuracy is not double recorded)
            throw new ModelValidationException($"{Model}: the model records no training-time test accuracy to compare with.");
        if (!(Math.Abs(Accuracy - recorded) <= tolerance))
            throw new ModelValidationException(
                $"{Model}: accuracy {Pct(Accuracy)} on {Dataset} differs from the {Pct(recorded)} recorded at training time by more than {Pct(tolerance)}.");
        return this;
    }

    private string WorstClass()
    {
        var recall = Recall;
        int worst = Enumerable.Range(0, recall.Count).Where(c => !double.IsNaN(recall[c])).OrderBy(c => recall[c]).FirstOrDefault();
        return recall.Count == 0 ? "none" : $"{Label(worst)} at {Pct(recall[worst])} recall";
    }

    // Class labels come from the model file: a message quotes them as one short line, so a label holding escape
    // sequences or a megabyte of text cannot repaint the terminal or flood a test log.
    private string Label(int c) => Excerpt.Of(ClassLabels[c], 80);

    private static string Pct(double v) => (100 * v).ToString("F2", CultureInfo.InvariantCulture) + "%";
}
