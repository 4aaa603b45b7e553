using NeuralPipelines.Cli.Commands.Classic;
using NeuralPipelines.Data;
using NeuralPipelines.Pipelines.Tabular;

namespace NeuralPipelines.Cli.Commands.Demo;

/// <summary>Logistic regression on a shipped table with a stratified 80/20 split; prints the test figures and saves the model.</summary>
public sealed class ClassificationStep(string name, string title, string shortName) : DemoStep
{
    public static ClassificationStep BreastCancer() =>
        new("breast-cancer-classification", "Binary logistic regression on breast cancer (569 rows, 30 columns)", "breast-cancer");

    public static ClassificationStep Iris() =>
        new("iris-classification", "Multiclass maximum entropy on iris (150 rows, 3 classes)", "iris");

    public override string Name => name;
    public override string Title => title;
    public override IReadOnlyList<(string Name, OutputContent Writes)> Files { get; } = [($"{shortName}.zip", OutputContent.MlNetZip)];

    public override object Run(DemoContext context)
    {
        var data = TabularDataset.ReadCsv(TabularOptions.ResolvePath(shortName), "target");
        var path = context.PathFor($"{shortName}.zip");
        var outcome = ClassificationJob.Run(data, "lbfgs", 0.2, seed: 1, outPath: path);
        ClassificationJob.Print(context.Console, outcome with { ModelPath = null });
        context.Wrote(path, "the fitted pipeline (ML.NET zip)");
        return new { outcome.Accuracy, outcome.LogLoss, outcome.Auc, outcome.MacroAccuracy, outcome.TestRows, outcome.ConfusionMatrix };
    }
}
