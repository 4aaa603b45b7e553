using Microsoft.ML;
using NeuralPipelines.Pipelines.Tabular;
using Spectre.Console;

namespace NeuralPipelines.Cli.Commands.Classic;

/// <summary>What <c>np classify</c> (and the demo) does: stratified split, fit, evaluate on the test rows, optionally save.</summary>
internal static class ClassificationJob
{
    public static readonly IReadOnlyDictionary<string, ClassificationTrainer> Trainers = new Dictionary<string, ClassificationTrainer>
    {
        ["lbfgs"] = ClassificationTrainer.Lbfgs,
        ["sdca"] = ClassificationTrainer.Sdca,
        ["sgd"] = ClassificationTrainer.Sgd,
    };

    public static ClassificationOutcome Run(TabularDataset data, string trainerName, double testFraction, int seed, string? outPath)
    {
        if (data.WhyNotClasses() is { } why)
            throw new ArgumentException($"{data.Source}: {why}. Use np regress for a numeric target.");
        var kind = data.InferLabelKind();
        var ml = new MLContext(seed: seed);
        var classes = data.Classes;
        var (train, test) = data.Split(testFraction, seed, stratify: true);
        var run = TabularClassification.Train(ml, train, Trainers[trainerName], classes);
        var f = TabularClassification.Evaluate(ml, run, test);
        if (outPath is not null) ModelFile.Save(ml, run.Pipeline, run.InputSchema, outPath, TabularCard.Classification(run, train, f));
        var trainerFullName = (kind, Trainers[trainerName]) switch
        {
            (LabelKind.Binary, ClassificationTrainer.Lbfgs) => "LbfgsLogisticRegression",
            (LabelKind.Binary, ClassificationTrainer.Sdca) => "SdcaLogisticRegression",
            (LabelKind.Binary, _) => "SgdCalibrated",
            (_, ClassificationTrainer.Lbfgs) => "LbfgsMaximumEntropy",
            (_, ClassificationTrainer.Sdca) => "SdcaMaximumEntropy",
            _ => "OneVersusAll(SgdCalibrated)",
        };
        return new ClassificationOutcome(data.Source, data.LabelName, kind == LabelKind.Binary ? "binary" : "multiclass", trainerName, trainerFullName,
            train.Count, test.Count, f.Accuracy, f.LogLoss, f.Auc, f.F1Score,
            kind == LabelKind.Multiclass ? f.Accuracy : null, f.MacroAccuracy, classes, f.ConfusionMatrix, outPath);
    }

    public static void Print(IAnsiConsole console, ClassificationOutcome o)
    {
        console.MarkupLineInterpolated($"[bold]{o.Kind}[/] classification of [bold]{o.Label}[/] on {Path.GetFileName(o.Data)}");
        console.MarkupLineInterpolated($"  pipeline: Concatenate → NormalizeMeanVariance → {o.TrainerName}");
        console.MarkupLineInterpolated($"  trained on {o.TrainRows} rows, evaluated on {o.TestRows} held-out rows (stratified split)");
        if (o.Kind == "binary")
            console.MarkupLineInterpolated($"  accuracy [bold]{Figures.Percent(o.Accuracy)}[/], log-loss {Figures.G(o.LogLoss, 4)}, AUC {Figures.G(o.Auc ?? double.NaN, 4)}, F1 {Figures.G(o.F1 ?? double.NaN, 4)}");
        else
            console.MarkupLineInterpolated($"  micro accuracy [bold]{Figures.Percent(o.Accuracy)}[/], macro accuracy {Figures.Percent(o.MacroAccuracy ?? double.NaN)}, log-loss {Figures.G(o.LogLoss, 4)}");
        console.MarkupLine("  confusion matrix (rows: actual class, columns: predicted class):");
        var table = new Table().AddColumn("");
        foreach (var c in o.Classes) table.AddColumn(new TableColumn(Figures.Class(c)).RightAligned());
        for (var i = 0; i < o.ConfusionMatrix.Length; i++)
            table.AddRow([Figures.Class(o.Classes[i]), .. o.ConfusionMatrix[i].Select(v => v.ToString(System.Globalization.CultureInfo.InvariantCulture))]);
        console.Write(table);
        if (o.ModelPath is not null) console.MarkupLineInterpolated($"  saved the pipeline to {o.ModelPath}");
    }
}
