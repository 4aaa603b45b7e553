using System.Globalization;
using NeuralPipelines.Onnx.Metadata;
using NeuralPipelines.Pipelines.Evaluation;

namespace NeuralPipelines.Pipelines.Tabular;

/// <summary>The model card of a fitted tabular pipeline: what it reads, the classes it answers, the figures it reached on
/// held-out rows. <see cref="ModelFile.Save"/> keeps it inside the zip, where <c>SavedModel</c> finds it to compare a later
/// evaluation with (<c>AssertMatchesRecordedAccuracy</c>, <c>AssertMatchesRecordedRSquared</c>).</summary>
public static class TabularCard
{
    /// <param name="evaluatedOn">"test" when <paramref name="figures"/> come from held-out rows, "train" when from the training rows.</param>
    public static ModelCard Classification(ClassificationRun run, TabularDataset train, ClassificationFigures figures, string evaluatedOn = "test")
    {
        var metrics = new Dictionary<string, double>
        {
            [$"{evaluatedOn}_accuracy"] = figures.Accuracy,
            [$"{evaluatedOn}_log_loss"] = figures.LogLoss,
        };
        if (figures.Auc is double auc) metrics[$"{evaluatedOn}_auc"] = auc;
        var classLabels = run.Classes.Select(c => c.ToString("R", CultureInfo.InvariantCulture)).ToArray();
        // The columns TabularClassification.Pipeline writes: ML.NET's binary trainers, or its multiclass ones + MapKeyToValue.
        var outputs = run.Kind == LabelKind.Binary
            ? $"Score: the raw score; Probability: the probability of class {classLabels[^1]}; PredictedLabel: true for class {classLabels[^1]}, false for {classLabels[0]}; PredictedClass: the predicted class value"
            : "Score: the probability of each class, in class_labels order; PredictedLabel: the predicted class as a key; PredictedClass: the predicted class value";
        return Card($"{(run.Kind == LabelKind.Binary ? "logistic-regression" : "maximum-entropy")} ({run.Trainer.ToString().ToLowerInvariant()})",
            train, metrics, classLabels, outputs);
    }

    public static ModelCard Regression(RegressionRun run, TabularDataset train, RegressionFigures figures, string evaluatedOn = "test") =>
        Card($"linear-regression ({run.Settings.Method.ToString().ToLowerInvariant()})", train, new Dictionary<string, double>
        {
            [$"{evaluatedOn}_r_squared"] = figures.RSquared,
            [$"{evaluatedOn}_rmse"] = figures.Rmse,
            [$"{evaluatedOn}_mae"] = figures.Mae,
        }, null, $"Score: the predicted '{train.LabelName}'");

    private static ModelCard Card(string architecture, TabularDataset train, Dictionary<string, double> metrics, string[]? classes, string outputs) => new()
    {
        Architecture = architecture,
        // The pipeline reads the CSV's columns by name (Concatenate), not the exported network's "input" tensor.
        Interface = new ModelInterface(string.Join(", ", train.FeatureNames), outputs),
        InputShape = [train.FeatureNames.Count],
        // The pipeline standardises its own features (NormalizeMeanVariance inside the zip), so the card records none.
        OutputActivation = classes is null ? Models.Losses.OutputActivation.None : Models.Losses.OutputActivation.Softmax,
        ClassLabels = classes,
        Metrics = metrics,
        Training = new Dictionary<string, string>
        {
            ["dataset"] = train.Source,
            ["label"] = train.LabelName,
            ["features"] = string.Join(", ", train.FeatureNames),
            ["training_rows"] = train.Count.ToString(CultureInfo.InvariantCulture),
        },
    };
}
