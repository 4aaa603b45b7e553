using Microsoft.ML;

namespace NeuralPipelines.Pipelines.Linear;

/// <summary>Our linear regression trainers as catalog extensions, beside ML.NET's own:
/// <c>mlContext.Regression.Trainers.LeastSquares()</c>, <c>mlContext.Regression.Trainers.GradientDescent()</c>.</summary>
/// <remarks>ML.NET's catalogs keep their environment internal, so the fitted ONNX scorer gets a context of its own, scoped to
/// the fitted model (disposing it removes ML.NET's copy of the model from the temp folder); it draws no random numbers and
/// logs nothing, so nothing observable depends on which context that is.</remarks>
public static class LinearRegressionCatalog
{
    /// <summary>Closed-form least squares (ridge when <paramref name="l2Regularization"/> &gt; 0), solved by QR in double precision.</summary>
    public static LeastSquaresTrainer LeastSquares(this RegressionCatalog.RegressionTrainers catalog,
        string labelColumnName = "Label", string featureColumnName = "Features", double l2Regularization = 0, double? rankDeficiencyFallback = null) =>
        new(null, new LeastSquaresTrainer.Options
        {
            LabelColumnName = labelColumnName,
            FeatureColumnName = featureColumnName,
            L2Regularization = l2Regularization,
            RankDeficiencyFallback = rankDeficiencyFallback,
        });

    /// <summary>Plain full-batch gradient descent on standardised features, with an explicit learning rate and epoch count.</summary>
    public static GradientDescentTrainer GradientDescent(this RegressionCatalog.RegressionTrainers catalog,
        string labelColumnName = "Label", string featureColumnName = "Features", double learningRate = 0.3, int epochs = 3000,
        IProgress<EpochLoss>? progress = null) =>
        new(null, new GradientDescentTrainer.Options
        {
            LabelColumnName = labelColumnName,
            FeatureColumnName = featureColumnName,
            LearningRate = learningRate,
            Epochs = epochs,
            Progress = progress,
        });
}
