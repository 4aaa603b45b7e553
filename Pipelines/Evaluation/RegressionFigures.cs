namespace NeuralPipelines.Pipelines.Evaluation;

/// <summary>R², RMSE and MAE of predictions against labels, in double precision (the definitions every textbook uses).</summary>
public sealed record RegressionFigures(double RSquared, double Rmse, double Mae)
{
    public static RegressionFigures Of(IReadOnlyList<double> labels, IReadOnlyList<double> predictions) =>
        new(RSquaredOf(labels, predictions), Math.Sqrt(MeanSquaredError(labels, predictions)), MeanAbsoluteError(labels, predictions));

    /// <summary>1 − Σ(y − ŷ)² / Σ(y − ȳ)².</summary>
    public static double RSquaredOf(IReadOnlyList<double> y, IReadOnlyList<double> yHat)
    {
        Check(y, yHat);
        var mean = y.Average();
        double residual = 0, total = 0;
        for (var i = 0; i < y.Count; i++)
        {
            residual += (y[i] - yHat[i]) * (y[i] - yHat[i]);
            total += (y[i] - mean) * (y[i] - mean);
        }
        return 1 - residual / total;
    }

    public static double MeanSquaredError(IReadOnlyList<double> y, IReadOnlyList<double> yHat)
    {
        Check(y, yHat);
        double sum = 0;
        for (var i = 0; i < y.Count; i++) sum += (y[i] - yHat[i]) * (y[i] - yHat[i]);
        return sum / y.Count;
    }

    public static double MeanAbsoluteError(IReadOnlyList<double> y, IReadOnlyList<double> yHat)
    {
        Check(y, yHat);
        double sum = 0;
        for (var i = 0; i < y.Count; i++) sum += Math.Abs(y[i] - yHat[i]);
        return sum / y.Count;
    }

    private static void Check(IReadOnlyList<double> y, IReadOnlyList<double> yHat)
    {
        if (y.Count != yHat.Count) throw new ArgumentException($"{y.Count} labels but {yHat.Count} predictions.");
        if (y.Count == 0) throw new ArgumentException("No rows to evaluate.");
    }
}
