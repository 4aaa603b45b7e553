using System.Globalization;

namespace NeuralPipelines.Onnx.Validation;

/// <summary>How a saved regression model did on a labelled table, with assertions that fail with one readable message.</summary>
public sealed record RegressionEvaluation
{
    public required string Model { get; init; }
    public required string Dataset { get; init; }
    public required int Count { get; init; }

    /// <summary>1 − Σ(y − ŷ)² / Σ(y − ȳ)².</summary>
    public required double RSquared { get; init; }

    /// <summary>√(Σ(y − ŷ)² / n).</summary>
    public required double Rmse { get; init; }

    /// <summary>Σ|y − ŷ| / n.</summary>
    public required double Mae { get; init; }

    public double Seconds { get; init; }

    /// <summary>The test R² recorded in the model card when it was trained, if any.</summary>
    public double? RecordedRSquared { get; init; }

    /// <summary>The test RMSE recorded in the model card when it was trained, if any.</summary>
    public double? RecordedRmse { get; init; }

    /// <summary>The figures of <paramref name="predictions"/> against <paramref name="labels"/>, in double precision.</summary>
    public static RegressionEvaluation Of(string model, string dataset, IReadOnlyList<double> labels, IReadOnlyList<double> predictions)
    {
        if (labels.Count != predictions.Count) throw new ArgumentException($"{labels.Count} labels but {predictions.Count} predictions.");
        if (labels.Count == 0) throw new ArgumentException($"{dataset}: no rows to evaluate {model} on.");
        double mean = labels.Average(), squared = 0, total = 0, absolute = 0;
        for (int i = 0; i < labels.Count; i++)
        {
            double residual = labels[i] - predictions[i];
            squared += residual * residual;
            absolute += Math.Abs(residual);
            total += (labels[i] - mean) * (labels[i] - mean);
        }
        return new RegressionEvaluation
        {
            Model = model, Dataset = dataset, Count = labels.Count,
            RSquared = 1 - squared / total, Rmse = Math.Sqrt(squared / labels.Count), Mae = absolute / labels.Count,
        };
    }

    /// <summary>Throws <see cref="ModelValidationException"/> unless R² ≥ <paramref name="minimum"/>.</summary>
    public RegressionEvaluation AssertRSquaredAtLeast(double minimum)
    {
        if (!(RSquared >= minimum))
            throw new ModelValidationException($"{Model}: R² {F(RSquared)} on {Dataset} ({Count} rows) is below the required {F(minimum)} (RMSE {F(Rmse)}).");
        return this;
    }

    /// <summary>Throws unless RMSE ≤ <paramref name="maximum"/>.</summary>
    public RegressionEvaluation AssertRmseAtMost(double maximum)
    {
        if (!(Rmse <= maximum))
            throw new ModelValidationException($"{Model}: RMSE {F(Rmse)} on {Dataset} ({Count} rows) is above the allowed {F(maximum)} (R² {F(RSquared)}).");
        return this;
    }

    /// <summary>Throws unless R² is within <paramref name="tolerance"/> of the R² recorded when the model was trained.</summary>
    public RegressionEvaluation AssertMatchesRecordedRSquared(double tolerance)
    {
        if (RecordedRSquared is not double recorded)
            throw new ModelValidationException($"{Model}: the model records no training-time test R² to compare with.");
        if (!(Math.Abs(RSquared - recorded) <= tolerance))
            throw new ModelValidationException($"{Model}: R² {F(RSquared)} on {Dataset} differs from the {F(recorded)} recorded at training time by more than {F(tolerance)}.");
        return this;
    }

    private static string F(double v) => v.ToString("G4", CultureInfo.InvariantCulture);
}
