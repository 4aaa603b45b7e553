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

    /// <summary>Audit K7: these said "(Parameter 'epochs') Actual value was 0." to np's users, who set --epochs; an app
    /// sets the options' properties, and np prints the option (<see cref="Models.Training.OptionRangeException.CommandLineMessage"/>).</summary>
    [Fact]
    public void Options_out_of_range_name_the_property_for_an_app_and_the_option_for_np()
    {
        var data = TestData.Diabetes;
        var epochs = Assert.Throws<Models.Training.OptionRangeException>(() =>
            GradientDescentRegression.Fit(data.Rows, data.Labels, data.FeatureNames, learningRate: 0.3, epochs: 0));
        Assert.Equal(("Epochs must be at least 1, got 0.", "--epochs must be at least 1, got 0."), (epochs.Message, epochs.CommandLineMessage));
        var rate = Assert.Throws<Models.Training.OptionRangeException>(() =>
            GradientDescentRegression.Fit(data.Rows, data.Labels, data.FeatureNames, learningRate: -1, epochs: 10));
        Assert.Equal("--learning-rate must be a positive number, got -1.", rate.CommandLineMessage);
        var lambda = Assert.Throws<Models.Training.OptionRangeException>(() =>
            LeastSquaresSolver.Solve(data.Rows, data.Labels, data.FeatureNames, lambda: double.NaN));
        Assert.Equal(("L2Regularization must be a finite number ≥ 0, got NaN.", "--lambda must be a finite number ≥ 0, got NaN."),
            (lambda.Message, lambda.CommandLineMessage));
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
