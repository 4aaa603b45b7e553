namespace NeuralPipelines.Models.Generative.Evaluation;

/// <summary>How close a generator's samples (or, for the floor/ceiling row, real training images) come to a dataset's
/// test images, by every measure <see cref="GeneratorEvaluator"/> takes.</summary>
/// <param name="Mmd2">MMD² (Gaussian kernels σ = 2 … 80 on pixels) between the first <paramref name="MmdSamples"/> samples
/// and as many test images.</param>
/// <param name="ClassShares">Share of the samples the classifier assigns to each class.</param>
/// <param name="MostToLeast">The most frequent class's share ÷ the least frequent's; null when a class is never drawn.</param>
/// <param name="MeanConfidence">Mean softmax probability of the top class.</param>
/// <param name="ClassConfidence">Per class, the mean top-class probability of the samples predicted as it (null: never predicted).</param>
/// <param name="LenetFid">Fréchet distance between Gaussians fitted to the classifier's penultimate features of the
/// samples and of the test set.</param>
/// <param name="ParzenLogLikelihood">Mean Parzen-window log-likelihood of the test images, in nats.</param>
/// <param name="ParzenStderr">Its standard error over the test images.</param>
/// <param name="ParzenSigma">The window's σ, chosen on held-out training images.</param>
/// <param name="Samples">Samples drawn (the classifier and the Parzen window use them all).</param>
public sealed record GeneratorReport(
    double Mmd2,
    double[] ClassShares,
    int ClassesPresent,
    double? MostToLeast,
    double MeanConfidence,
    double?[] ClassConfidence,
    double LenetFid,
    double ParzenLogLikelihood,
    double ParzenStderr,
    double ParzenSigma,
    bool ParzenSigmaAtGridEdge,
    int Samples,
    int MmdSamples,
    int TestImages,
    int ValidationImages);
