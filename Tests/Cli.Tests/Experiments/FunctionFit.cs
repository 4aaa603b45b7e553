using NeuralPipelines.Models.Init;
using NeuralPipelines.Models.Layers;
using NeuralPipelines.Models.Losses;
using NeuralPipelines.Models.Optimizers;
using NeuralPipelines.Models.Tensors;
using NeuralPipelines.Models.Training;
using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;

namespace NeuralPipelines.Cli.Tests.Experiments;

/// <summary>Fits a function of one variable on [0, 1] with one hidden layer of sigmoid neurons: the setting of Nielsen's
/// chapter 4, "a visual proof that neural nets can compute any function". More neurons, more steps to build the curve from.</summary>
/// <remarks>Only the universality experiment uses it, so it lives beside that experiment, which draws its figure with the
/// command line's plotting.</remarks>
public static class FunctionFit
{
    /// <summary>The demo's target, three periods of a sine on [0, 1]: f(x) = 0.5 + 0.4·sin(6πx). Its six rising and falling
    /// stretches need several neurons each to build from sigmoid steps, so the error keeps falling from 2 to 20 neurons.</summary>
    public static double SineTarget(double x) => 0.5 + 0.4 * Math.Sin(6 * Math.PI * x);

    /// <summary>Trains [1, width, 1] (sigmoid hidden, linear output) on <paramref name="points"/> evenly spaced samples with
    /// the quadratic cost and full-batch Adam; returns the fitted curve on the same grid and its mean squared error.</summary>
    public static FitResult Fit(Func<double, double> target, int width, int points = 200, int steps = 5000, float learningRate = 0.02f, int seed = 1)
    {
        var rng = new Random(seed);
        // A wide weight spread lets some hidden neurons start as steep steps (Nielsen's construction) rather than all near-linear.
        var hidden = new Dense(1, width, Initializer.Normal, rng);
        TensorPrimitives.Multiply(hidden.Weight.Value.Span, 10f, hidden.Weight.Value.Span);
        for (int j = 0; j < width; j++) hidden.Bias.Value[j] = -hidden.Weight.Value[j] * (float)rng.NextDouble();
        var network = new Sequential(hidden, new Sigmoid(), new Dense(width, 1, Initializer.Scaled, rng));
        var x = new Tensor(points, 1); var y = new Tensor(points, 1);
        for (int i = 0; i < points; i++) { x[i] = (float)i / (points - 1); y[i] = (float)target(x[i]); }
        var step = new TrainingStep(network, new QuadraticCost(),
            Optimizer.Create(new OptimizerSettings(OptimizerKind.Adam), network.AllParameters().ToArray()), null);
        for (int s = 0; s < steps; s++) step.Run(x, y, learningRate);
        var fitted = network.Forward(x, training: false);
        double mse = 0;
        for (int i = 0; i < points; i++) mse += (fitted[i] - y[i]) * (double)(fitted[i] - y[i]);
        return new FitResult(width, x.Span.ToArray().Select(v => (double)v).ToArray(), fitted.Span.ToArray().Select(v => (double)v).ToArray(), mse / points);
    }
}

/// <summary>A fitted curve: the grid, the network's output on it, and the mean squared error against the target.</summary>
public sealed record FitResult(int Width, double[] X, double[] Y, double MeanSquaredError);
