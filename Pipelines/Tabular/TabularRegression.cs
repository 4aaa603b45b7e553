using System.Collections.Immutable;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers;
using Microsoft.ML.Transforms;
using NeuralPipelines.Pipelines.Evaluation;
using NeuralPipelines.Pipelines.Linear;

namespace NeuralPipelines.Pipelines.Tabular;

/// <summary>Linear regression on a CSV table as the ML.NET pipeline a user would write:
/// Concatenate(feature columns) → [NormalizeMeanVariance] → trainer.</summary>
public static class TabularRegression
{
    public static IEstimator<ITransformer> Pipeline(MLContext ml, TabularDataset data, RegressionSettings settings)
    {
        var label = data.LabelName;
        var features = ml.Transforms.Concatenate("Features", [.. data.FeatureNames]);
        return settings.Method switch
        {
            RegressionMethod.ClosedForm => features.Append(ml.Regression.Trainers.LeastSquares(label)),
            RegressionMethod.Ridge => features.Append(ml.Regression.Trainers.LeastSquares(label, l2Regularization: settings.Lambda)),
            RegressionMethod.GradientDescent => features.Append(ml.Regression.Trainers.GradientDescent(label, learningRate: settings.LearningRate, epochs: settings.Epochs)),
            // ML.NET's iterative trainers want features on one scale; the normaliser is part of the saved pipeline.
            RegressionMethod.Sdca => features.Append(ml.Transforms.NormalizeMeanVariance("Features"))
                .Append(ml.Regression.Trainers.Sdca(labelColumnName: label)),
            RegressionMethod.OnlineGradientDescent => features.Append(ml.Transforms.NormalizeMeanVariance("Features"))
                .Append(ml.Regression.Trainers.OnlineGradientDescent(labelColumnName: label)),
            _ => throw new ArgumentOutOfRangeException(nameof(settings), settings.Method, "Unknown regression method."),
        };
    }

    /// <summary>The fewest training rows <paramref name="method"/> can fit a line to: one row leaves every column constant
    /// whatever the method, and ordinary least squares on d centred features has a unique answer only with d + 1 rows;
    /// below that its refusal would blame columns ("constant", "a linear combination") for what is a shortage of rows.</summary>
    public static int MinimumRows(RegressionMethod method, int features) => method == RegressionMethod.ClosedForm ? features + 1 : 2;

    public static RegressionRun Train(MLContext ml, TabularDataset train, RegressionSettings settings)
    {
        train.RequireVaryingFeature();
        var view = train.ToDataView(LabelKind.Regression);
        ITransformer pipeline;
        // The solver knows columns, not files: the message gains the table the columns came from.
        try { pipeline = Pipeline(ml, train, settings).Fit(view); }
        catch (RankDeficientException e) { throw new RankDeficientException($"{train.Source}: {e.Message}", e.ConstantColumns, e.CollinearColumns); }
        var last = ((IEnumerable<ITransformer>)pipeline).Last();
        return last switch
        {
            LinearRegressionTransformer ours => new RegressionRun(pipeline, view.Schema, ours.Model, settings) { GradientDescent = ours.GradientDescent },
            RegressionPredictionTransformer<LinearRegressionModelParameters> mlnet =>
                Converged(new RegressionRun(pipeline, view.Schema, RawScale(pipeline, mlnet.Model, train.FeatureNames), settings), train),
            _ => throw new InvalidOperationException($"Unexpected last transformer {last.GetType().Name}."),
        };
    }

    /// <summary>A linear fit with an intercept is never worse than the mean on its own training rows, so a training R² below 0
    /// means ML.NET's iterative trainer did not converge (its SDCA on 40 rows gave R² −7217 and coefficients 100 times the
    /// truth): the run is refused rather than reported as a model.</summary>
    private static RegressionRun Converged(RegressionRun run, TabularDataset train)
    {
        var scores = ScoredColumns.Read(run.Pipeline.Transform(train.ToDataView(LabelKind.Regression)), "Score");
        var rSquared = RegressionFigures.RSquaredOf(train.Labels, scores);
        if (rSquared < 0)
            throw new InvalidOperationException($"{train.Source}: ML.NET's {run.Settings.Method} trainer did not converge on these {train.Count} " +
                $"training rows: its fit is worse than predicting their mean (training R² {rSquared.ToString("G4", System.Globalization.CultureInfo.InvariantCulture)}). " +
                "Use closed-form or ridge regression, or give it more rows.");
        return run;
    }

    /// <summary>Predictions of the fitted pipeline on <paramref name="data"/>, and R², RMSE, MAE against its labels.</summary>
    public static (double[] Predictions, RegressionFigures Figures) Evaluate(RegressionRun run, TabularDataset data)
    {
        var scores = ScoredColumns.Read(run.Pipeline.Transform(data.ToDataView(LabelKind.Regression)), "Score");
        return (scores, RegressionFigures.Of(data.Labels, scores));
    }

    /// <summary>ML.NET's weights act on normalised features z = (x − offset)·scale; on the raw columns they are
    /// wⱼ = vⱼ·scaleⱼ and b = b_v − Σ vⱼ·scaleⱼ·offsetⱼ.</summary>
    private static LinearModel RawScale(ITransformer pipeline, LinearRegressionModelParameters model, IReadOnlyList<string> names)
    {
        var weights = model.Weights.ToArray();
        var coefficients = weights.Select(w => (double)w).ToArray();
        var intercept = (double)model.Bias;
        var normaliser = ((IEnumerable<ITransformer>)pipeline).OfType<NormalizingTransformer>().SingleOrDefault();
        if (normaliser?.GetNormalizerModelParameters(0) is NormalizingTransformer.AffineNormalizerModelParameters<ImmutableArray<float>> affine)
        {
            for (var j = 0; j < coefficients.Length; j++)
            {
                var scale = affine.Scale.Length == 0 ? 1 : affine.Scale[j];
                var offset = affine.Offset.Length == 0 ? 0 : affine.Offset[j];
                coefficients[j] = weights[j] * (double)scale;
                intercept -= coefficients[j] * offset;
            }
        }
        return new LinearModel(names, coefficients, intercept);
    }
}
