using Microsoft.ML;

namespace NeuralPipelines.Pipelines.Tabular;

/// <summary>A fitted classification pipeline with what it needs to be evaluated and saved.</summary>
/// <param name="Classes">The label values of the whole dataset; binary: [negative, positive].</param>
public sealed record ClassificationRun(ITransformer Pipeline, DataViewSchema InputSchema, LabelKind Kind, double[] Classes, ClassificationTrainer Trainer);
