using System.Globalization;
using NeuralPipelines.Models.Training;

namespace NeuralPipelines.Pipelines.Linear;

/// <summary>Linear regression by plain full-batch gradient descent on standardised features: the iterative twin of
/// <see cref="LeastSquaresSolver"/>, kept deliberately simple so the two can be compared side by side.</summary>
/// <remarks>
/// Loss: C = (1/2n) Σᵢ (b + w·zᵢ − yᵢ)², with zᵢⱼ = (xᵢⱼ − μⱼ)/σⱼ. Gradients: ∂C/∂w = (1/n) Zᵀ(ŷ − y), ∂C/∂b = mean(ŷ − y).
/// Update: w ← w − η ∂C/∂w, b ← b − η ∂C/∂b. Standardising makes one learning rate suit every column (raw diabetes
/// columns differ in scale by 100×, which would force η tiny); the fitted weights are mapped back to the raw columns
/// (wⱼ/σⱼ, and b − Σ wⱼμⱼ/σⱼ) so the result is the same kind of <see cref="LinearModel"/> the closed form gives.
/// Gradient descent converges only for η &lt; 2/λmax(ZᵀZ/n); when the loss blows up the error says so and gives that bound.
/// </remarks>
public static class GradientDescentRegression
{
    public static GradientDescentResult Fit(IReadOnlyList<double[]> rows, IReadOnlyList<double> labels, IReadOnlyList<string> featureNames,
        double learningRate, int epochs, IProgress<EpochLoss>? progress = null)
    {
        var n = rows.Count;
        var d = featureNames.Count;
        if (n == 0) throw new ArgumentException("Gradient descent needs at least one row.");
        if (n != labels.Count) throw new ArgumentException($"{n} rows but {labels.Count} labels.");
        // Named as an app sets them (GradientDescentTrainer.Options) and as np regress's user does (--learning-rate, --epochs).
        if (!(learningRate > 0) || double.IsInfinity(learningRate))
            throw new OptionRangeException("LearningRate", "--learning-rate", $"must be a positive number, got {learningRate.ToString(CultureInfo.InvariantCulture)}.");
        if (epochs < 1) throw new OptionRangeException("Epochs", "--epochs", $"must be at least 1, got {epochs.ToString(CultureInfo.InvariantCulture)}.");

        var (mean, sd) = Standardisation(rows, d);
        var z = new double[n * d];
        for (var i = 0; i < n; i++)
            for (var j = 0; j < d; j++) z[i * d + j] = (rows[i][j] - mean[j]) / sd[j];

        var w = new double[d];
        var b = 0.0;
        var residual = new double[n];
        var gradient = new double[d];
        var losses = new double[epochs];
        var first = double.NaN;
        for (var epoch = 0; epoch < epochs; epoch++)
        {
            // Forward: residuals ŷ − y with the current parameters.
            double sumResidual = 0;
            for (var i = 0; i < n; i++)
            {
                var yHat = b;
                for (var j = 0; j < d; j++) yHat += w[j] * z[i * d + j];
                residual[i] = yHat - labels[i];
                sumResidual += residual[i];
            }
            // Backward: ∂C/∂w = (1/n) Zᵀr, ∂C/∂b = mean(r).
            Array.Clear(gradient);
            for (var i = 0; i < n; i++)
                for (var j = 0; j < d; j++) gradient[j] += z[i * d + j] * residual[i];
            for (var j = 0; j < d; j++) w[j] -= learningRate * gradient[j] / n;
            b -= learningRate * sumResidual / n;

            var mse = MeanSquaredError(z, labels, w, b, n, d);
            losses[epoch] = mse;
            if (epoch == 0) first = mse;
            progress?.Report(new EpochLoss(epoch + 1, mse));
            if (!double.IsFinite(mse) || mse > 1e6 * Math.Max(first, 1e-300))
                throw new ArithmeticException(
                    $"gradient descent diverged at epoch {epoch + 1} (mean squared error {mse:G4}): the learning rate {learningRate:G4} is too large; " +
                    $"for these standardised features it must be below 2/λmax = {2 / LargestEigenvalue(z, n, d):G4}.");
        }

        var coefficients = new double[d];
        var intercept = b;
        for (var j = 0; j < d; j++)
        {
            coefficients[j] = w[j] / sd[j];
            intercept -= coefficients[j] * mean[j];
        }
        var notes = new List<string>();
        var constant = featureNames.Where((_, j) => sd[j] == 1 && IsConstant(rows, j)).ToArray();
        if (constant.Length > 0) notes.Add($"constant column(s) {string.Join(", ", constant.Select(c => $"'{c}'"))} left at coefficient 0");
        return new GradientDescentResult(new LinearModel(featureNames, coefficients, intercept) { Notes = notes }, losses, learningRate);
    }

    private static (double[] Mean, double[] Sd) Standardisation(IReadOnlyList<double[]> rows, int d)
    {
        var n = rows.Count;
        var mean = new double[d];
        var sd = new double[d];
        foreach (var r in rows) for (var j = 0; j < d; j++) mean[j] += r[j];
        for (var j = 0; j < d; j++) mean[j] /= n;
        foreach (var r in rows) for (var j = 0; j < d; j++) sd[j] += (r[j] - mean[j]) * (r[j] - mean[j]);
        for (var j = 0; j < d; j++)
        {
            sd[j] = Math.Sqrt(sd[j] / n);
            // A constant column standardises to all zeros: its gradient is 0 and its weight stays 0. σ = 1 avoids 0/0.
            if (sd[j] == 0) sd[j] = 1;
        }
        return (mean, sd);
    }

    private static bool IsConstant(IReadOnlyList<double[]> rows, int j) => rows.All(r => r[j] == rows[0][j]);

    private static double MeanSquaredError(double[] z, IReadOnlyList<double> y, double[] w, double b, int n, int d)
    {
        double sum = 0;
        for (var i = 0; i < n; i++)
        {
            var yHat = b;
            for (var j = 0; j < d; j++) yHat += w[j] * z[i * d + j];
            sum += (yHat - y[i]) * (yHat - y[i]);
        }
        return sum / n;
    }

    /// <summary>λmax of [1 Z]ᵀ[1 Z]/n by power iteration (only for the divergence message).</summary>
    private static double LargestEigenvalue(double[] z, int n, int d)
    {
        var v = Enumerable.Repeat(1.0 / Math.Sqrt(d + 1), d + 1).ToArray();
        var lambda = 0.0;
        for (var iteration = 0; iteration < 100; iteration++)
        {
            var next = new double[d + 1];
            for (var i = 0; i < n; i++)
            {
                var dot = v[d];
                for (var j = 0; j < d; j++) dot += z[i * d + j] * v[j];
                for (var j = 0; j < d; j++) next[j] += z[i * d + j] * dot / n;
                next[d] += dot / n;
            }
            lambda = Math.Sqrt(next.Sum(x => x * x));
            if (lambda == 0) return 1;
            for (var j = 0; j <= d; j++) v[j] = next[j] / lambda;
        }
        return lambda;
    }
}
