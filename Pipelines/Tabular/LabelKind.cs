namespace NeuralPipelines.Pipelines.Tabular;

/// <summary>What a label column asks of a learner: a number to predict, one of two classes, or one of several.</summary>
public enum LabelKind
{
    Regression,
    Binary,
    Multiclass,
}
