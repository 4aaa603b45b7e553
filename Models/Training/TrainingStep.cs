using NeuralPipelines.Models.Layers;
using NeuralPipelines.Models.Losses;
using NeuralPipelines.Models.Optimizers;
using NeuralPipelines.Models.Regularization;
using NeuralPipelines.Models.Tensors;

namespace NeuralPipelines.Models.Training;

/// <summary>One step of stochastic gradient descent on a mini-batch: forward, cost, backward, penalty, update.</summary>
/// <remarks>Everything it touches is allocated on the first call and reused after it (a test checks the step allocates nothing).</remarks>
public sealed class TrainingStep(Layer network, Loss loss, Optimizer optimizer, Regularizer? regularizer)
{
    private readonly Parameter[] _parameters = optimizer.Parameters;
    private Tensor? _outputGradient;

    public Layer Network { get; } = network;
    public Loss Loss { get; } = loss;
    public Optimizer Optimizer { get; } = optimizer;

    /// <summary>Correct answers in the last step's batch (argmax of output against argmax of target).</summary>
    public int LastCorrect { get; private set; }

    /// <summary>Runs one step; returns the batch's mean cost. Throws <see cref="TrainingDivergedException"/> before
    /// touching the weights when the cost is NaN or infinite.</summary>
    public double Run(Tensor images, Tensor targets, float learningRate)
    {
        foreach (var p in _parameters) p.ZeroGradient();
        var output = Network.Forward(images, training: true);
        var gradient = Tensor.Ensure(ref _outputGradient, output.Shape);
        double cost = Loss.Compute(output, targets, gradient);
        if (!double.IsFinite(cost))
            throw new TrainingDivergedException($"the {Loss.Name} cost became {(double.IsNaN(cost) ? "NaN" : "infinite")} (learning rate {learningRate})");
        LastCorrect = Evaluator.CountCorrect(output, targets);
        Network.Backward(gradient);
        regularizer?.AddGradients(_parameters);
        Optimizer.Step(learningRate);
        return cost;
    }
}
