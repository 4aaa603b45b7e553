namespace NeuralPipelines.Models.Generative.Evaluation;

/// <summary>What the fresh discriminator made of the held-out photos.</summary>
/// <param name="Accuracy">Balanced accuracy on the test photos, the mean of the two rates below: 0.5 is a judge that cannot
/// tell the colorizations from real photos (the ideal), 1.0 one that always can.</param>
/// <param name="RealCalledReal">Share of the real test photos it called real.</param>
/// <param name="FakeCalledFake">Share of the colorized test photos it called colorized.</param>
/// <param name="TrainAccuracy">Its accuracy on its own training photos over the last epoch (in training mode): how well it
/// learned the difference at all, beside how well that carries to photos it has not seen.</param>
/// <param name="TrainPerSide">N, the photos it trained on from each side.</param>
/// <param name="TestReal">Real test photos.</param>
/// <param name="TestFake">Colorized test photos.</param>
/// <param name="Seconds">Training time.</param>
public sealed record FreshDiscriminatorResult(double Accuracy, double RealCalledReal, double FakeCalledFake, double TrainAccuracy,
    int TrainPerSide, int TestReal, int TestFake, double Seconds);
