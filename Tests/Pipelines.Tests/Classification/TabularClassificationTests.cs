using Microsoft.ML;
using Microsoft.ML.Data;
using NeuralPipelines.Pipelines.Tabular;
using NeuralPipelines.Tests;

namespace NeuralPipelines.Pipelines.Tests.Classification;

public class TabularClassificationTests
{
    /// <summary>Each accuracy gate of this class, by data set and trainer, at the test accuracy measured when it was set.</summary>
    private static readonly Dictionary<(string Data, ClassificationTrainer Trainer), AccuracyGate> Gates = new()
    {
        [("breast cancer", ClassificationTrainer.Lbfgs)] = new(0.977, "breast cancer, L-BFGS, mean test accuracy over five splits"),
        [("breast cancer", ClassificationTrainer.Sdca)] = new(0.9646, "breast cancer, Sdca, test accuracy"),
        [("breast cancer", ClassificationTrainer.Sgd)] = new(0.9558, "breast cancer, Sgd, test accuracy"),
        [("iris", ClassificationTrainer.Lbfgs)] = new(0.9667, "iris, L-BFGS, test accuracy", Examples: 30),
        [("iris", ClassificationTrainer.Sdca)] = new(1.0, "iris, Sdca, test accuracy", Examples: 30),
        [("iris", ClassificationTrainer.Sgd)] = new(0.8333, "iris, Sgd, test accuracy", Examples: 30),
    };

    /// <summary>The figure each gate reads: the breast-cancer L-BFGS gate over five stratified splits, the others on one
    /// (seed 2 for breast cancer, 1 for iris); the training labels shuffled when <paramref name="shuffled"/>.</summary>
    private static double Accuracy(string data, ClassificationTrainer trainer, bool shuffled)
    {
        var ml = new MLContext(seed: 1);
        var set = data == "iris" ? TestData.Iris : TestData.BreastCancer;
        int[] seeds = (data, trainer) switch
        {
            ("breast cancer", ClassificationTrainer.Lbfgs) => [1, 2, 3, 4, 5],
            ("breast cancer", _) => [2],
            _ => [1],
        };
        return seeds.Average(seed =>
        {
            var (train, test) = set.Split(0.2, seed, stratify: true);
            if (shuffled) train = WithShuffledLabels(train);
            return TabularClassification.Evaluate(ml, TabularClassification.Train(ml, train, trainer, set.Classes), test).Accuracy;
        });
    }

    private static TabularDataset WithShuffledLabels(TabularDataset d)
    {
        var labels = (double[])d.Labels.Clone();
        new Random(7).Shuffle(labels);
        return new TabularDataset(d.Source + " (labels shuffled)", d.LabelName, d.FeatureNames, d.Rows, labels);
    }

    public static TheoryData<string, ClassificationTrainer> GateKeys
    {
        get
        {
            var keys = new TheoryData<string, ClassificationTrainer>();
            foreach (var (data, trainer) in Gates.Keys) keys.Add(data, trainer);
            return keys;
        }
    }

    /// <summary>Every gate refuses its own trainer fitted to the same rows with the labels shuffled, scored the same way.</summary>
    [Theory]
    [MemberData(nameof(GateKeys))]
    public void The_gate_refuses_the_same_trainer_on_shuffled_labels(string data, ClassificationTrainer trainer) =>
        Gates[(data, trainer)].Refuses(Accuracy(data, trainer, shuffled: true), "shuffled training labels");

    /// <summary>Audit K3: ML.NET fitted training rows of one class without a word, into a model that answers that class
    /// for every row; whether the caller's class list names one class or both.</summary>
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void Training_rows_of_one_class_are_refused_naming_the_label_and_its_value(int classesNamed)
    {
        var data = TestData.BreastCancer;
        var benign = data.Subset(Enumerable.Range(0, data.Count).Where(i => data.Labels[i] == 1).ToArray());
        double[] classes = classesNamed == 1 ? benign.Classes : data.Classes;
        var e = Assert.Throws<InvalidOperationException>(() =>
            TabularClassification.Train(new MLContext(seed: 1), benign, ClassificationTrainer.Lbfgs, classes));
        Assert.Contains("the label 'target' takes a single value (1)", e.Message);
        Assert.Contains(data.Source, e.Message);
    }

    /// <summary>Audit K4: ML.NET's evaluator said only "AUC is not defined when there is no positive class in the data
    /// (Parameter 'PosSample')", naming neither the data nor the cause.</summary>
    [Fact]
    public void Evaluating_rows_of_one_binary_class_names_the_data_and_the_value()
    {
        var ml = new MLContext(seed: 1);
        var data = TestData.BreastCancer;
        var run = TabularClassification.Train(ml, data, ClassificationTrainer.Lbfgs, data.Classes);
        var malignant = data.Subset(Enumerable.Range(0, data.Count).Where(i => data.Labels[i] == 0).ToArray());
        var e = Assert.Throws<InvalidOperationException>(() => TabularClassification.Evaluate(ml, run, malignant));
        Assert.Contains($"{data.Source}: the {malignant.Count} rows evaluated all have the label 'target' = 0", e.Message);
    }

    /// <summary>Audit S2: the binary log-loss was ML.NET's, in bits (log₂), while the multiclass one and SavedModel's are in
    /// nats; a model that said 0.5 for every row reported 1, not ln 2.</summary>
    [Fact]
    public void Binary_log_loss_is_the_mean_negative_natural_log_of_the_true_class_probability()
    {
        var ml = new MLContext(seed: 1);
        var data = TestData.BreastCancer;
        var (train, test) = data.Split(0.2, 1, stratify: true);
        var run = TabularClassification.Train(ml, train, ClassificationTrainer.Lbfgs, data.Classes);
        var figures = TabularClassification.Evaluate(ml, run, test);
        var p = run.Pipeline.Transform(test.ToDataView(LabelKind.Binary, data.Classes)).GetColumn<float>("Probability").ToArray();
        var expected = -Enumerable.Range(0, test.Count).Average(i => Math.Log(test.Labels[i] == data.Classes[1] ? p[i] : 1 - p[i]));
        Assert.Equal(expected, figures.LogLoss, 1e-4);
    }

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
        Gates[("breast cancer", ClassificationTrainer.Lbfgs)].Check(accuracies.Average());
        Assert.Equal(accuracies.Average(), Accuracy("breast cancer", ClassificationTrainer.Lbfgs, shuffled: false), 9); // what the planted test reads
    }

    [Theory]
    [InlineData(ClassificationTrainer.Sdca)]
    [InlineData(ClassificationTrainer.Sgd)]
    public void Breast_cancer_with_the_other_binary_trainers(ClassificationTrainer trainer) =>
        Gates[("breast cancer", trainer)].Check(Accuracy("breast cancer", trainer, shuffled: false));

    [Fact]
    public void Iris_maximum_entropy_on_a_fixed_split()
    {
        var ml = new MLContext(seed: 1);
        var data = TestData.Iris;
        Assert.Equal(LabelKind.Multiclass, data.InferLabelKind());
        var (train, test) = data.Split(0.2, seed: 1, stratify: true);
        var run = TabularClassification.Train(ml, train, ClassificationTrainer.Lbfgs, data.Classes);
        var figures = TabularClassification.Evaluate(ml, run, test);

        Gates[("iris", ClassificationTrainer.Lbfgs)].Check(figures.Accuracy);
        Assert.Equal(3, figures.ConfusionMatrix.Length);
        Assert.Equal(30, figures.ConfusionMatrix.Sum(r => r.Sum()));
        Assert.NotNull(figures.MacroAccuracy);

        // PredictedClass carries the CSV's own class values.
        var predicted = run.Pipeline.Transform(test.ToDataView(LabelKind.Multiclass, data.Classes)).GetColumn<float>("PredictedClass").ToArray();
        var correct = predicted.Zip(test.Labels).Count(p => p.First == p.Second);
        Assert.Equal(figures.Accuracy, correct / 30.0, 1e-9);
    }

    [Theory]
    [InlineData(ClassificationTrainer.Sdca)]
    [InlineData(ClassificationTrainer.Sgd)]
    public void Iris_with_the_other_trainers(ClassificationTrainer trainer) =>
        Gates[("iris", trainer)].Check(Accuracy("iris", trainer, shuffled: false));

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
