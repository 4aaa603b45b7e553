using Microsoft.ML;
using Microsoft.ML.Data;

namespace NeuralPipelines.Pipelines.Tabular;

/// <summary>Logistic regression on a CSV table as the ML.NET pipeline a user would write:
/// Concatenate(feature columns) → NormalizeMeanVariance → binary or multiclass trainer.</summary>
/// <remarks>Binary labels become booleans (true = the larger label value), and a final MapValue writes the predicted
/// boolean out as its class value; multiclass labels arrive as keys whose values are the CSV's class values, and a final
/// MapKeyToValue writes them out. Either way <c>PredictedClass</c> holds the class as the CSV wrote it (a binary model's
/// PredictedLabel is only true or false: labels 3 and 7 came out of np score as 0 and 1).</remarks>
public static class TabularClassification
{
    /// <param name="classes">The label values, smallest first (<see cref="Train"/>'s): a binary pipeline maps its boolean
    /// prediction back to them; null leaves a binary pipeline without <c>PredictedClass</c>.</param>
    public static IEstimator<ITransformer> Pipeline(MLContext ml, TabularDataset data, LabelKind kind, ClassificationTrainer trainer,
        double[]? classes = null)
    {
        var label = data.LabelName;
        var features = ml.Transforms.Concatenate("Features", [.. data.FeatureNames])
            .Append(ml.Transforms.NormalizeMeanVariance("Features"));
        if (kind == LabelKind.Binary)
        {
            var binary = ml.BinaryClassification.Trainers;
            IEstimator<ITransformer> fitted = trainer switch
            {
                // Plain L2 (ridge) logistic regression: ML.NET's default adds an L1 term as well, which on breast cancer's 30
                // strongly correlated columns and ~450 rows zeroes useful features (94.7% → 95.6% on the seed-1 split, and
                // 95.6–99.1% on all five fixed splits the tests use, against 94.7–99.1% with L1).
                ClassificationTrainer.Lbfgs => features.Append(binary.LbfgsLogisticRegression(label, l1Regularization: 0f)),
                ClassificationTrainer.Sdca => features.Append(binary.SdcaLogisticRegression(label)),
                ClassificationTrainer.Sgd => features.Append(binary.SgdCalibrated(label)),
                _ => throw new ArgumentOutOfRangeException(nameof(trainer), trainer, "Unknown trainer."),
            };
            if (classes is null) return fitted;
            if (classes.Length != 2) throw new ArgumentException($"A binary pipeline maps its prediction to two classes, not {classes.Length}.", nameof(classes));
            KeyValuePair<bool, float>[] values = [new(false, (float)classes[0]), new(true, (float)classes[1])];
            return fitted.Append(ml.Transforms.Conversion.MapValue("PredictedClass", values, "PredictedLabel"));
        }
        if (kind != LabelKind.Multiclass) throw new ArgumentException($"Classification needs a binary or multiclass label, not {kind}.");
        var multi = ml.MulticlassClassification.Trainers;
        IEstimator<ITransformer> classifier = trainer switch
        {
            ClassificationTrainer.Lbfgs => multi.LbfgsMaximumEntropy(label),
            ClassificationTrainer.Sdca => multi.SdcaMaximumEntropy(label),
            ClassificationTrainer.Sgd => multi.OneVersusAll(ml.BinaryClassification.Trainers.SgdCalibrated(label), labelColumnName: label),
            _ => throw new ArgumentOutOfRangeException(nameof(trainer), trainer, "Unknown trainer."),
        };
        return features.Append(classifier).Append(ml.Transforms.Conversion.MapKeyToValue("PredictedClass", "PredictedLabel"));
    }

    /// <param name="classes">The label values of the whole dataset, so train and test subsets agree on the classes.</param>
    public static ClassificationRun Train(MLContext ml, TabularDataset train, ClassificationTrainer trainer, double[] classes)
    {
        // ML.NET fits one class without a word (a "multiclass" model of one class, or a binary one that never saw the other).
        train.RequireTwoClasses();
        train.RequireVaryingFeature();
        var kind = classes.Length == 2 ? LabelKind.Binary : LabelKind.Multiclass;
        var view = train.ToDataView(kind, classes);
        var pipeline = Pipeline(ml, train, kind, trainer, classes).Fit(view);
        return new ClassificationRun(pipeline, view.Schema, kind, classes, trainer);
    }

    public static ClassificationFigures Evaluate(MLContext ml, ClassificationRun run, TabularDataset data)
    {
        var scored = run.Pipeline.Transform(data.ToDataView(run.Kind, run.Classes));
        if (run.Kind == LabelKind.Binary)
        {
            // ML.NET's binary evaluator stops at the AUC ("no positive class ... (Parameter 'PosSample')") without naming
            // the data; a stratified split puts a class of one row into the training rows only, so it does happen.
            if (data.Classes is [var only])
                throw new InvalidOperationException($"{data.Source}: the {data.Count} rows evaluated all have the label '{data.LabelName}' = " +
                    $"{only.ToString(System.Globalization.CultureInfo.InvariantCulture)}; binary figures (AUC) need rows of both classes, " +
                    "and a class with a single row cannot be in both the training and the test rows.");
            var m = ml.BinaryClassification.Evaluate(scored, data.LabelName);
            var c = m.ConfusionMatrix;
            // ML.NET lists the positive class first; ours are in label order [negative, positive].
            int Count(int truth, int predicted) => (int)c.Counts[truth][predicted];
            int[][] matrix = [[Count(1, 1), Count(1, 0)], [Count(0, 1), Count(0, 0)]];
            // ML.NET's binary log-loss is in bits (log₂), its multiclass one in nats; ours is in nats for both, as
            // SavedModel's, scikit-learn's and the cost of our trainer are: a model that says 0.5 for every row scores ln 2.
            return new ClassificationFigures(LabelKind.Binary, m.Accuracy, m.LogLoss * Math.Log(2), m.AreaUnderRocCurve, m.F1Score, null, run.Classes, matrix, data.Count);
        }
        var mm = ml.MulticlassClassification.Evaluate(scored, data.LabelName);
        var counts = mm.ConfusionMatrix.Counts.Select(r => r.Select(v => (int)v).ToArray()).ToArray();
        return new ClassificationFigures(LabelKind.Multiclass, mm.MicroAccuracy, mm.LogLoss, null, null, mm.MacroAccuracy, run.Classes, counts, data.Count);
    }
}
