using Microsoft.ML;
using Microsoft.ML.Data;
using NeuralPipelines.Pipelines.Tabular;
using NeuralPipelines.Tests;

namespace NeuralPipelines.Pipelines.Tests.Classification;

public class TabularClassificationTests
{
    [Fact]
    public void Breast_cancer_logistic_regression_reaches_95_percent_on_fixed_stratified_splits()
    {
        // The claim (≥ 95 % on a fixed split) is checked on each of five fixed stratified splits, not on one chosen split
        // (measured with plain L2 logistic regression: 95.6, 98.2, 96.5, 99.1, 99.1 %).
        var ml = new MLContext(seed: 1);
        var data = TestData.BreastCancer;
        Assert.Equal(LabelKind.Binary, data.InferLabelKind());
        var accuracies = new List<double>();
        for (var seed = 1; seed <= 5; seed++)
        {
            var (train, test) = data.Split(0.2, seed, stratify: true);
            var run = TabularClassification.Train(ml, train, ClassificationTrainer.Lbfgs, data.Classes);
            var figures = TabularClassification.Evaluate(ml, run, test);
            Assert.Equal(113, figures.Rows);
            Assert.True(figures.Accuracy >= 0.95, $"seed {seed}: test accuracy {figures.Accuracy:P2}");
            Assert.InRange(figures.LogLoss, 0, 0.5);
            Assert.True(figures.Auc > 0.97, $"AUC {figures.Auc}");
            // The confusion matrix, in label order, agrees with the accuracy and the test labels.
            var m = figures.ConfusionMatrix;
            Assert.Equal(figures.Rows, m.Sum(r => r.Sum()));
            Assert.Equal(figures.Accuracy, (m[0][0] + m[1][1]) / (double)figures.Rows, 1e-9);
            Assert.Equal(test.Labels.Count(l => l == 0), m[0].Sum());
            accuracies.Add(figures.Accuracy);
        }
        Assert.True(accuracies.Average() >= 0.95, $"mean test accuracy {accuracies.Average():P2}");
        AccuracyBar.AtLeast(accuracies.Average(), measured: 0.977, "breast cancer, L-BFGS, mean test accuracy over five splits");
    }

    [Theory]
    [InlineData(ClassificationTrainer.Sdca, 0.9646)]   // measured test accuracy, where each bar sits
    [InlineData(ClassificationTrainer.Sgd, 0.9558)]
    public void Breast_cancer_with_the_other_binary_trainers(ClassificationTrainer trainer, double measured)
    {
        var ml = new MLContext(seed: 1);
        var (train, test) = TestData.BreastCancer.Split(0.2, seed: 2, stratify: true);
        var run = TabularClassification.Train(ml, train, trainer, TestData.BreastCancer.Classes);
        AccuracyBar.AtLeast(TabularClassification.Evaluate(ml, run, test).Accuracy, measured, $"breast cancer, {trainer}, test accuracy");
    }

    [Fact]
    public void Iris_maximum_entropy_on_a_fixed_split()
    {
        var ml = new MLContext(seed: 1);
        var data = TestData.Iris;
        Assert.Equal(LabelKind.Multiclass, data.InferLabelKind());
        var (train, test) = data.Split(0.2, seed: 1, stratify: true);
        var run = TabularClassification.Train(ml, train, ClassificationTrainer.Lbfgs, data.Classes);
        var figures = TabularClassification.Evaluate(ml, run, test);

        AccuracyBar.AtLeast(figures.Accuracy, measured: 0.9667, "iris, L-BFGS, test accuracy", examples: 30);
        Assert.Equal(3, figures.ConfusionMatrix.Length);
        Assert.Equal(30, figures.ConfusionMatrix.Sum(r => r.Sum()));
        Assert.NotNull(figures.MacroAccuracy);

        // PredictedClass carries the CSV's own class values.
        var predicted = run.Pipeline.Transform(test.ToDataView(LabelKind.Multiclass, data.Classes)).GetColumn<float>("PredictedClass").ToArray();
        var correct = predicted.Zip(test.Labels).Count(p => p.First == p.Second);
        Assert.Equal(figures.Accuracy, correct / 30.0, 1e-9);
    }

    [Theory]
    [InlineData(ClassificationTrainer.Sdca, 1.0)]   // measured test accuracy, where each bar sits
    [InlineData(ClassificationTrainer.Sgd, 0.8333)]
    public void Iris_with_the_other_trainers(ClassificationTrainer trainer, double measured)
    {
        var ml = new MLContext(seed: 1);
        var (train, test) = TestData.Iris.Split(0.2, seed: 1, stratify: true);
        var run = TabularClassification.Train(ml, train, trainer, TestData.Iris.Classes);
        AccuracyBar.AtLeast(TabularClassification.Evaluate(ml, run, test).Accuracy, measured, $"iris, {trainer}, test accuracy", examples: 30);
    }

    [Fact]
    public void A_classifier_saves_and_loads_and_scores_identically()
    {
        var ml = new MLContext(seed: 1);
        var data = TestData.BreastCancer;
        var run = TabularClassification.Train(ml, data, ClassificationTrainer.Lbfgs, data.Classes);
        using var dir = new TempFolder();
        var path = dir.File("cancer.zip");
        ModelFile.Save(ml, run.Pipeline, run.InputSchema, path);
        var loaded = ModelFile.Load(new MLContext(), path, out _);
        var view = data.ToDataView(LabelKind.Binary);
        Assert.Equal(run.Pipeline.Transform(view).GetColumn<float>("Probability"), loaded.Transform(view).GetColumn<float>("Probability"));
    }
}
