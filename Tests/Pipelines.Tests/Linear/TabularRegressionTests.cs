using NeuralPipelines.Pipelines.Evaluation;
using NeuralPipelines.Pipelines.Linear;
using NeuralPipelines.Pipelines.Tabular;
using Microsoft.ML;

namespace NeuralPipelines.Pipelines.Tests.Linear;

public class TabularRegressionTests
{
    [Theory]
    [InlineData(RegressionMethod.Sdca)]
    [InlineData(RegressionMethod.OnlineGradientDescent)]
    public void Ml_net_trainers_behind_a_normaliser_report_raw_scale_coefficients(RegressionMethod method)
    {
        var ml = new MLContext(seed: 1);
        var data = TestData.Diabetes;
        var run = TabularRegression.Train(ml, data, new RegressionSettings { Method = method });
        var (predictions, figures) = TabularRegression.Evaluate(run, data);
        // The coefficients mapped back through the normaliser reproduce the pipeline's own scores.
        var fromCoefficients = run.Model.Predict(data.Rows);
        Assert.True(LinearModelDistance.Relative(fromCoefficients, predictions) < 1e-5);
        // One pass of OGD with its default step underfits; SDCA gets close to least squares. Neither can beat it.
        Assert.InRange(figures.RSquared, 0.2, 0.5178);
    }

    [Fact]
    public void Ridge_and_closed_form_through_the_tabular_entry_point()
    {
        var ml = new MLContext(seed: 1);
        var data = TestData.Diabetes;
        var ols = TabularRegression.Train(ml, data, new RegressionSettings { Method = RegressionMethod.ClosedForm });
        var ridge = TabularRegression.Train(ml, data, new RegressionSettings { Method = RegressionMethod.Ridge, Lambda = 1000 });
        Assert.Equal(0.517748, TabularRegression.Evaluate(ols, data).Figures.RSquared, 1e-5);
        Assert.True(TabularRegression.Evaluate(ridge, data).Figures.RSquared < 0.517748);
    }
}
