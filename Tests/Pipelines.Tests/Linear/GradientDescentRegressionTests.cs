using NeuralPipelines.Pipelines.Evaluation;
using NeuralPipelines.Pipelines.Linear;
using NeuralPipelines.Tests;

namespace NeuralPipelines.Pipelines.Tests.Linear;

public class GradientDescentRegressionTests
{
    [Fact]
    public void Gradient_descent_on_diabetes_lands_within_1e_3_of_the_closed_form_predictions()
    {
        var data = TestData.Diabetes;
        var closedForm = LeastSquaresSolver.Solve(data.Rows, data.Labels, data.FeatureNames);
        var reported = new List<EpochLoss>();
        var result = GradientDescentRegression.Fit(data.Rows, data.Labels, data.FeatureNames, learningRate: 0.3, epochs: 3000,
            progress: new SynchronousProgress<EpochLoss>(reported.Add));

        var distance = LinearModelDistance.Between(result.Model, closedForm, data.Rows);
        Assert.True(distance.Predictions < 1e-3, $"relative distance of predictions {distance.Predictions}");
        Assert.Equal(3000, result.EpochLosses.Count);
        Assert.Equal(result.EpochLosses, reported.Select(r => r.MeanSquaredError));
        // Full-batch GD with a stable step never increases the (convex) loss, and ends at the least-squares minimum.
        for (var e = 1; e < result.EpochLosses.Count; e++) Assert.True(result.EpochLosses[e] <= result.EpochLosses[e - 1] * (1 + 1e-12));
        var minimum = RegressionFigures.MeanSquaredError(data.Labels, closedForm.Predict(data.Rows));
        Assert.Equal(minimum, result.EpochLosses[^1], minimum * 1e-5);
    }

    [Fact]
    public void Too_large_a_learning_rate_is_reported_as_divergence_with_the_bound()
    {
        var data = TestData.Diabetes;
        var e = Assert.Throws<ArithmeticException>(() => GradientDescentRegression.Fit(data.Rows, data.Labels, data.FeatureNames, learningRate: 2, epochs: 500));
        Assert.Contains("diverged at epoch", e.Message);
        Assert.Contains("must be below 2/λmax", e.Message);
    }
}
