namespace NeuralPipelines.Pipelines.Tabular;

/// <summary>How well a classifier did on the rows it was evaluated on.</summary>
/// <param name="Accuracy">Fraction of rows classified correctly (multiclass: micro accuracy).</param>
/// <param name="LogLoss">Mean negative log-likelihood of the true class, in nats (natural log) for binary and multiclass alike.</param>
/// <param name="Auc">Area under the ROC curve (binary only).</param>
/// <param name="MacroAccuracy">Mean of the per-class accuracies (multiclass only).</param>
/// <param name="ConfusionMatrix">Rows: true class; columns: predicted class, both in <paramref name="Classes"/> order.</param>
public sealed record ClassificationFigures(
    LabelKind Kind,
    double Accuracy,
    double LogLoss,
    double? Auc,
    double? F1Score,
    double? MacroAccuracy,
    double[] Classes,
    int[][] ConfusionMatrix,
    int Rows);
