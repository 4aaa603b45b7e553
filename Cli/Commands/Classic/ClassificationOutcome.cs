namespace NeuralPipelines.Cli.Commands.Classic;

/// <summary>The result of <c>np classify</c>, serialised as its JSON output (snake_case keys).</summary>
/// <param name="ConfusionMatrix">Rows: actual class, columns: predicted class, both in <paramref name="Classes"/> order.</param>
internal sealed record ClassificationOutcome(
    string Data, string Label, string Kind, string Trainer, string TrainerName, int TrainRows, int TestRows,
    double Accuracy, double LogLoss, double? Auc, double? F1, double? MicroAccuracy, double? MacroAccuracy,
    double[] Classes, int[][] ConfusionMatrix, string? ModelPath);
