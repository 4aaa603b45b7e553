using Microsoft.ML;

namespace NeuralPipelines.Pipelines.Linear;

/// <summary>ML.NET estimator for linear regression by plain full-batch gradient descent (<see cref="GradientDescentRegression"/>).</summary>
/// <remarks>Written as <c>mlContext.Regression.Trainers.GradientDescent(learningRate, epochs)</c>. The features are
/// standardised inside the trainer, so no normaliser is needed in front of it.</remarks>
/// <param name="ml">The context the fitted scorer is built with; null (the catalog's choice, whose context ML.NET keeps
/// internal) gives each fitted model a scoped context of its own, removed when the model is disposed.</param>
public sealed class GradientDescentTrainer(MLContext? ml, GradientDescentTrainer.Options options) : IEstimator<LinearRegressionTransformer>
{
    public sealed record Options
    {
        public string LabelColumnName { get; init; } = "Label";
        public string FeatureColumnName { get; init; } = "Features";
        public string ScoreColumnName { get; init; } = "Score";
        public double LearningRate { get; init; } = 0.3;
        public int Epochs { get; init; } = 3000;

        /// <summary>Receives the mean squared error after each epoch.</summary>
        public IProgress<EpochLoss>? Progress { get; init; }
    }

    public Options Settings { get; } = options;

    public LinearRegressionTransformer Fit(IDataView input)
    {
        var (rows, labels, names) = LinearTrainingData.Read(input, Settings.FeatureColumnName, Settings.LabelColumnName);
        var result = GradientDescentRegression.Fit(rows, labels, names, Settings.LearningRate, Settings.Epochs, Settings.Progress);
        return LinearRegressionTransformer.Build(ml, result.Model, input, Settings.FeatureColumnName, Settings.ScoreColumnName, result);
    }

    public SchemaShape GetOutputSchema(SchemaShape inputSchema) =>
        LinearTrainingData.OutputSchema(inputSchema, Settings.FeatureColumnName, Settings.LabelColumnName, Settings.ScoreColumnName);
}
