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

    /// <summary>Audit K5: the card in np regress/classify zips said "input_name": "input" and listed the network outputs
    /// scores, probabilities and predicted_class, none of which a tabular pipeline has.</summary>
    [Fact]
    public void The_model_card_names_the_pipelines_own_columns_not_a_networks_tensors()
    {
        var ml = new MLContext(seed: 1);
        var diabetes = TestData.Diabetes;
        var run = TabularRegression.Train(ml, diabetes, new RegressionSettings());
        var regression = TabularCard.Regression(run, diabetes, TabularRegression.Evaluate(run, diabetes).Figures).ToProperties();
        Assert.Equal("age, sex, bmi, bp, s1, s2, s3, s4, s5, s6", regression["input_name"]);
        Assert.Equal("Score: the predicted 'target'", regression["outputs"]);

        var iris = TestData.Iris;
        var classified = TabularClassification.Train(ml, iris, ClassificationTrainer.Lbfgs, iris.Classes);
        var classification = TabularCard.Classification(classified, iris, TabularClassification.Evaluate(ml, classified, iris)).ToProperties();
        Assert.Contains("PredictedClass", classification["outputs"]);
        Assert.DoesNotContain("predicted_class", classification["outputs"]);
        var cancer = TestData.BreastCancer;
        var binary = TabularClassification.Train(ml, cancer, ClassificationTrainer.Lbfgs, cancer.Classes);
        Assert.Contains("Probability: the probability of class 1",
            TabularCard.Classification(binary, cancer, TabularClassification.Evaluate(ml, binary, cancer)).ToProperties()["outputs"]);
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
