using NeuralPipelines.Pipelines.Linear;

namespace NeuralPipelines.Cli.Commands.Classic;

/// <summary>The result of <c>np regress</c>, serialised as its JSON output (snake_case keys).</summary>
internal sealed record RegressionOutcome(
    string Data, string Label, string Method, int TrainRows, int TestRows, string EvaluatedOn,
    double R2, double Rmse, double Mae, double Intercept, IReadOnlyDictionary<string, double> Coefficients,
    IReadOnlyList<string> Notes, string? ModelPath, GradientDescentReport? GradientDescent);

/// <summary>How gradient descent went (<c>--method gd</c>): its rate, its loss by epoch, and how far it ended from the closed form.</summary>
internal sealed record GradientDescentReport(double LearningRate, int Epochs, double FinalLoss, IReadOnlyList<double> EpochLosses, LinearModelDistance DistanceToClosedForm);
