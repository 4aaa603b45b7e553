using Microsoft.ML;

namespace NeuralPipelines.Pipelines.Linear;

/// <summary>ML.NET estimator for closed-form (optionally ridge) linear regression by <see cref="LeastSquaresSolver"/>.</summary>
/// <remarks>Written as <c>mlContext.Regression.Trainers.LeastSquares()</c>. Managed code only: ML.NET's own
/// <c>Ols</c> trainer needs Intel MKL, which is not available here.</remarks>
/// <param name="ml">The context the fitted scorer is built with; null (the catalog's choice, whose context ML.NET keeps
/// internal) gives each fitted model a scoped context of its own, removed when the model is disposed.</param>
public sealed class LeastSquaresTrainer(MLContext? ml, LeastSquaresTrainer.Options options) : IEstimator<LinearRegressionTransformer>
{
    public sealed record Options
    {
        public string LabelColumnName { get; init; } = "Label";
        public string FeatureColumnName { get; init; } = "Features";
        public string ScoreColumnName { get; init; } = "Score";

        /// <summary>Ridge penalty λ on Σ wⱼ² (0: ordinary least squares).</summary>
        public double L2Regularization { get; init; }

        /// <summary>When set, a rank-deficient problem is solved again as ridge with this λ instead of failing.</summary>
        public double? RankDeficiencyFallback { get; init; }
    }

    public Options Settings { get; } = options;

    public LinearRegressionTransformer Fit(IDataView input)
    {
        var (rows, labels, names) = LinearTrainingData.Read(input, Settings.FeatureColumnName, Settings.LabelColumnName);
        var model = LeastSquaresSolver.Solve(rows, labels, names, Settings.L2Regularization, Settings.RankDeficiencyFallback,
            LeastSquaresSolver.FloatRankTolerance);
        return LinearRegressionTransformer.Build(ml, model, input, Settings.FeatureColumnName, Settings.ScoreColumnName);
    }

    public SchemaShape GetOutputSchema(SchemaShape inputSchema) =>
        LinearTrainingData.OutputSchema(inputSchema, Settings.FeatureColumnName, Settings.LabelColumnName, Settings.ScoreColumnName);
}
